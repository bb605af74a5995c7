using System.IO;
using System.Text;

namespace MemOS.User.Runtime;

/// <summary>
/// Console.In of a process: bytes from read(2) on fd 0, decoded as UTF-8 (invalid bytes become U+FFFD).
/// ReadLine ends at '\n' (a '\r' before it is dropped) or at end of input (read returns 0 or an error).
/// </summary>
public sealed unsafe class ConsoleInput : TextReader
{
    private readonly byte[] _buffer = new byte[256];
    private int _next, _count;
    private bool _ended;

    public override int Read()
    {
        int b = NextByte();
        if (b < 0x80) return b; // also -1 at the end
        int extra = b >= 0xF0 ? 3 : b >= 0xE0 ? 2 : b >= 0xC0 ? 1 : -1;
        if (extra < 0) return 0xFFFD;
        int code = b & (0x3F >> extra);
        for (int i = 0; i < extra; i++)
        {
            int c = NextByte();
            if (c < 0 || (c & 0xC0) != 0x80) return 0xFFFD;
            code = (code << 6) | (c & 0x3F);
        }
        return code > 0xFFFF ? 0xFFFD : code; // outside the BMP: one replacement character (no surrogate pairs)
    }

    public override string? ReadLine()
    {
        var line = new StringBuilder();
        while (true)
        {
            int c = Read();
            if (c < 0) return line.Length == 0 ? null : line.ToString();
            if (c == '\n') break;
            line.Append((char)c);
        }
        if (line.Length > 0 && line[line.Length - 1] == '\r') line.Length--;
        return line.ToString();
    }

    private int NextByte()
    {
        if (_next == _count)
        {
            if (_ended) return -1;
            long got;
            fixed (byte* b = _buffer) got = Linux.ReadBytes(0, b, (ulong)_buffer.Length);
            if (got <= 0) { _ended = true; return -1; }
            _next = 0;
            _count = (int)got;
        }
        return _buffer[_next++];
    }
}
