using System.Collections.Generic;
using System.Text;

namespace MemOS.Tests.Kernel;

/// <summary>
/// Turns serial output, which arrives in arbitrary chunks, into complete lines (LF or CRLF ended, returned without
/// the line break) and keeps the unfinished last line, which matters: the shell prompt never gets a newline.
/// </summary>
public sealed class SerialLineBuffer
{
    private readonly StringBuilder _partial = new();

    /// <summary>The text after the last line break: an unfinished line (for example the prompt).</summary>
    public string Partial => _partial.ToString();

    /// <summary>Adds a chunk; returns the lines it completed, in order.</summary>
    public IReadOnlyList<string> Append(string chunk)
    {
        var lines = new List<string>();
        foreach (char c in chunk)
        {
            if (c == '\n')
            {
                int length = _partial.Length;
                if (length > 0 && _partial[length - 1] == '\r') length--;
                lines.Add(_partial.ToString(0, length));
                _partial.Clear();
            }
            else
            {
                _partial.Append(c);
            }
        }
        return lines;
    }

    /// <summary>Returns the unfinished line as a last line (at end of output) and empties the buffer.</summary>
    public string? Flush()
    {
        if (_partial.Length == 0) return null;
        string rest = _partial.ToString().TrimEnd('\r');
        _partial.Clear();
        return rest;
    }
}
