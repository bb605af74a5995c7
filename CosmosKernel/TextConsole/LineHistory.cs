namespace MemOS.Kernel.TextConsole;

/// <summary>
/// The line editor's history: the last <see cref="MaxLines"/> lines, kept in one character buffer of
/// <see cref="MaxChars"/> made at startup (the oldest lines make room). No object per line, so the history never
/// grows the kernel heap, nor scatters small strings across it for long-lived pages to hold.
/// </summary>
internal sealed class LineHistory
{
    public const int MaxLines = 64;
    public const int MaxChars = 16 * 1024;

    private readonly char[] _chars = new char[MaxChars];
    private readonly int[] _start = new int[MaxLines], _length = new int[MaxLines];
    private int _first, _count, _used; // ring of lines: oldest at _first; _used characters in all

    public int Count => _count;

    /// <summary>Line i, oldest first (a new string: recalled lines are edited as copies).</summary>
    public string this[int i]
    {
        get
        {
            int slot = (_first + i) % MaxLines, start = _start[slot], length = _length[slot];
            var text = new char[length];
            for (int k = 0; k < length; k++) text[k] = _chars[(start + k) % MaxChars];
            return new string(text);
        }
    }

    /// <summary>
    /// Adds a line unless empty or the same as the last; the oldest lines go when lines or characters run out.
    /// </summary>
    public void Add(string text)
    {
        if (text.Length == 0 || text.Length > MaxChars || (_count > 0 && SameAsLast(text))) return;
        while (_count == MaxLines || _used + text.Length > MaxChars)
        {
            _used -= _length[_first];
            _first = (_first + 1) % MaxLines;
            _count--;
        }
        int slot = (_first + _count) % MaxLines;
        int previous = (slot + MaxLines - 1) % MaxLines;
        int start = _count == 0 ? 0 : (_start[previous] + _length[previous]) % MaxChars;
        if (_count == 0) _first = slot;
        for (int k = 0; k < text.Length; k++) _chars[(start + k) % MaxChars] = text[k];
        _start[slot] = start;
        _length[slot] = text.Length;
        _used += text.Length;
        _count++;
    }

    private bool SameAsLast(string text)
    {
        int slot = (_first + _count - 1) % MaxLines;
        if (_length[slot] != text.Length) return false;
        for (int k = 0; k < text.Length; k++)
            if (_chars[(_start[slot] + k) % MaxChars] != text[k]) return false;
        return true;
    }
}
