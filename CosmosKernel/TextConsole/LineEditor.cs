using System.Text;
using MemOS.Kernel.Hardware;

namespace MemOS.Kernel.TextConsole;

/// <summary>
/// Line editing for the shell: insert anywhere, backspace/delete, left/right, home/end, history with up/down,
/// Ctrl+C abandons the line. Lines are capped so no input can exhaust memory, and the history lives in a fixed
/// buffer (<see cref="LineHistory"/>: 64 lines, 16 K characters).
/// </summary>
internal sealed class LineEditor
{
    public const int MaxLineLength = 1024;
    private readonly LineHistory _history = new();

    public LineHistory History => _history;

    /// <summary>The line typed, or null when Ctrl+C abandoned it.</summary>
    public string? ReadLine()
    {
        var line = new StringBuilder();
        int cursor = 0;
        int historyIndex = _history.Count;
        while (true)
        {
            Key key = Terminal.ReadKey();
            switch (key.Kind)
            {
                case KeyKind.Enter:
                    Terminal.CursorRight(line.Length - cursor);
                    Terminal.Write('\n');
                    string text = line.ToString();
                    Remember(text);
                    return text;
                case KeyKind.Interrupt:
                    Terminal.CursorRight(line.Length - cursor);
                    Terminal.Write("^C\n");
                    return null;
                case KeyKind.Character:
                    if (line.Length >= MaxLineLength) break;
                    // Append at the end: StringBuilder.Insert splits chunks and allocates on every call.
                    if (cursor == line.Length) line.Append(key.Char);
                    else line.Insert(cursor, key.Char);
                    cursor++;
                    Redraw(line, cursor - 1, cursor);
                    break;
                case KeyKind.Tab:
                    break;
                case KeyKind.Backspace:
                    if (cursor == 0) break;
                    cursor--;
                    line.Remove(cursor, 1);
                    Terminal.CursorLeft(1);
                    Redraw(line, cursor, cursor, erase: 1);
                    break;
                case KeyKind.Delete:
                    if (cursor == line.Length) break;
                    line.Remove(cursor, 1);
                    Redraw(line, cursor, cursor, erase: 1);
                    break;
                case KeyKind.Left:
                    if (cursor > 0) { cursor--; Terminal.CursorLeft(1); }
                    break;
                case KeyKind.Right:
                    if (cursor < line.Length) { cursor++; Terminal.CursorRight(1); }
                    break;
                case KeyKind.Home:
                    Terminal.CursorLeft(cursor);
                    cursor = 0;
                    break;
                case KeyKind.End:
                    Terminal.CursorRight(line.Length - cursor);
                    cursor = line.Length;
                    break;
                case KeyKind.Up:
                case KeyKind.Down:
                    int next = key.Kind == KeyKind.Up ? historyIndex - 1 : historyIndex + 1;
                    if (next < 0 || next > _history.Count) break;
                    historyIndex = next;
                    Terminal.CursorLeft(cursor);
                    int oldLength = line.Length;
                    line.Clear();
                    line.Append(historyIndex == _history.Count ? "" : _history[historyIndex]);
                    cursor = line.Length;
                    Redraw(line, 0, cursor, erase: oldLength > line.Length ? oldLength - line.Length : 0);
                    break;
            }
        }
    }

    // Writes line[from..] at the cursor (which is at position `from`), blanks `erase` trailing cells, then puts the
    // cursor at `cursor`.
    private static void Redraw(StringBuilder line, int from, int cursor, int erase = 0)
    {
        for (int i = from; i < line.Length; i++) Terminal.Write(line[i]);
        if (erase > 0) Terminal.EraseAhead(erase);
        Terminal.CursorLeft(line.Length - cursor);
    }

    private void Remember(string text) => _history.Add(text);
}
