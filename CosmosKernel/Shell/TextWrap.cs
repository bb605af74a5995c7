using System.Text;

namespace MemOS.Kernel.Shell;

/// <summary>
/// Fits prose to the console: breaks lines at spaces so none is longer than the width, and indents the lines a break
/// makes by the line's own indent plus a hanging indent. Words longer than a line are cut. Tables are not passed
/// through it (their columns are fixed).
/// </summary>
internal static class TextWrap
{
    /// <summary>True when a line of the text (split at '\n') is longer than the width.</summary>
    public static bool Exceeds(string text, int width)
    {
        int length = 0;
        foreach (char c in text)
        {
            if (c == '\n') length = 0;
            else if (++length > width) return true;
        }
        return false;
    }

    public static string Wrap(string text, int width, int hangingIndent)
    {
        var sb = new StringBuilder(text.Length + 16);
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            if (i > 0) sb.Append('\n');
            WrapLine(sb, lines[i].TrimEnd(), width, hangingIndent);
        }
        return sb.ToString();
    }

    private static void WrapLine(StringBuilder sb, string line, int width, int hangingIndent)
    {
        if (width < 8) width = 8;
        int indent = 0;
        while (indent < line.Length && line[indent] == ' ') indent++;
        if (indent > width / 2) indent = width / 2;
        int continuation = indent + hangingIndent > width / 2 ? width / 2 : indent + hangingIndent;
        sb.Append(' ', indent);
        int used = indent;
        bool first = true;
        int i = indent;
        while (i < line.Length)
        {
            int gap = 0;
            while (i < line.Length && line[i] == ' ') { i++; gap++; }
            int start = i;
            while (i < line.Length && line[i] != ' ') i++;
            string word = line.Substring(start, i - start);
            if (word.Length == 0) break;
            // the spaces between words stay as written (aligned columns); a break replaces them
            if (!first && used + gap + word.Length > width)
            {
                sb.Append('\n').Append(' ', continuation);
                used = continuation;
                first = true;
            }
            if (!first) { sb.Append(' ', gap); used += gap; }
            // a word longer than a whole line is cut where the line ends
            int at = 0;
            while (word.Length - at > width - used)
            {
                sb.Append(word, at, width - used).Append('\n').Append(' ', continuation);
                at += width - used;
                used = continuation;
            }
            sb.Append(word, at, word.Length - at);
            used += word.Length - at;
            first = false;
        }
    }
}
