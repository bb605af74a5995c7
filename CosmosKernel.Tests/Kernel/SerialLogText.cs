using System;
using System.Text;

namespace MemOS.Tests.Kernel;

/// <summary>Formats a serial log for failure messages: the tail, with a header saying how much was cut.</summary>
public static class SerialLogText
{
    /// <summary>How many lines of serial log a failure message shows by default.</summary>
    public const int DefaultTailLines = 60;

    /// <summary>
    /// The last <paramref name="maxLines"/> lines of <paramref name="log"/> (CRLF normalised, control characters made
    /// visible).
    /// </summary>
    public static string Tail(string log, int maxLines = DefaultTailLines)
    {
        string[] lines = log.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        int count = lines.Length;
        if (count > 0 && lines[count - 1].Length == 0) count--;
        int first = Math.Max(0, count - maxLines);
        var sb = new StringBuilder();
        for (int i = first; i < count; i++) sb.Append(Visible(lines[i])).Append('\n');
        return sb.ToString();
    }

    /// <summary>
    /// A block for failure messages: a header, the log's tail and an end marker (and QEMU's stderr if any).
    /// </summary>
    public static string Block(string log, string? qemuErrors = null, int maxLines = DefaultTailLines)
    {
        int total = log.Length == 0
            ? 0
            : log.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n').Split('\n').Length;
        var sb = new StringBuilder();
        sb.Append(total <= maxLines
            ? $"--- serial log ({total} lines) ---\n"
            : $"--- serial log (last {maxLines} of {total} lines) ---\n");
        sb.Append(total == 0 ? "(nothing was printed on COM1)\n" : Tail(log, maxLines));
        sb.Append("--- end of serial log ---");
        if (!string.IsNullOrWhiteSpace(qemuErrors))
            sb.Append("\n--- qemu stderr ---\n").Append(qemuErrors.TrimEnd()).Append("\n--- end of qemu stderr ---");
        return sb.ToString();
    }

    private static string Visible(string line)
    {
        var sb = new StringBuilder(line.Length);
        foreach (char c in line)
        {
            if (c == '\r') continue;
            if (c < ' ' && c != '\t')
                sb.Append("\\x").Append(((int)c).ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            else sb.Append(c);
        }
        return sb.ToString();
    }
}
