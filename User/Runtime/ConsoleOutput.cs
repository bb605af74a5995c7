using System;
using System.IO;
using System.Text;

namespace MemOS.User.Runtime;

/// <summary>
/// Console.Out and Console.Error of a process: characters are UTF-8 encoded into a buffer that goes to the file
/// descriptor through write(2) at each newline, when full, and at exit (so a line is one system call).
/// </summary>
public sealed unsafe class ConsoleOutput : TextWriter
{
    private const int Capacity = 512;
    private readonly int _fd;
    private readonly byte[] _buffer = new byte[Capacity];
    private int _used;
    private char _highSurrogate;

    public ConsoleOutput(int fd) => _fd = fd;

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        if (char.IsHighSurrogate(value)) { _highSurrogate = value; return; }
        int code = value;
        if (_highSurrogate != 0)
        {
            code = char.IsLowSurrogate(value) ? char.ConvertToUtf32(_highSurrogate, value) : 0xFFFD;
            _highSurrogate = '\0';
        }
        else if (char.IsLowSurrogate(value)) code = 0xFFFD;
        Put(code);
        if (value == '\n') Flush();
    }

    public override void Write(string? value)
    {
        if (value == null) return;
        foreach (char c in value) Write(c);
    }

    public override void Write(ReadOnlySpan<char> buffer)
    {
        foreach (char c in buffer) Write(c);
    }

    public override void WriteLine(string? value)
    {
        Write(value);
        Write('\n');
    }

    public override void Flush()
    {
        fixed (byte* b = _buffer)
        {
            int done = 0;
            while (done < _used)
            {
                long written = Linux.WriteBytes(_fd, b + done, (ulong)(_used - done));
                if (written <= 0) break; // the console refused: the text is dropped, the program goes on
                done += (int)written;
            }
        }
        _used = 0;
    }

    private void Put(int code)
    {
        if (_used + 4 > Capacity) Flush();
        if (code < 0x80) _buffer[_used++] = (byte)code;
        else if (code < 0x800)
        {
            _buffer[_used++] = (byte)(0xC0 | (code >> 6));
            _buffer[_used++] = (byte)(0x80 | (code & 0x3F));
        }
        else if (code < 0x10000)
        {
            _buffer[_used++] = (byte)(0xE0 | (code >> 12));
            _buffer[_used++] = (byte)(0x80 | ((code >> 6) & 0x3F));
            _buffer[_used++] = (byte)(0x80 | (code & 0x3F));
        }
        else
        {
            _buffer[_used++] = (byte)(0xF0 | (code >> 18));
            _buffer[_used++] = (byte)(0x80 | ((code >> 12) & 0x3F));
            _buffer[_used++] = (byte)(0x80 | ((code >> 6) & 0x3F));
            _buffer[_used++] = (byte)(0x80 | (code & 0x3F));
        }
    }
}
