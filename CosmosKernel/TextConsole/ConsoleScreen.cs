namespace MemOS.Kernel.TextConsole;

/// <summary>
/// A screen of character cells the terminal writes to: VGA text (80x25) or the framebuffer console. Colours are
/// VGA attribute bytes (background high nibble, foreground low). Nothing here may allocate: panics write through it.
/// </summary>
internal abstract class ConsoleScreen
{
    /// <summary>e.g. "VGA text 80x25", "framebuffer 1024x768x32, 128x48 characters".</summary>
    public abstract string Description { get; }
    public abstract int Columns { get; }
    public abstract int Rows { get; }
    public int Row => CursorRow;
    public int Column => CursorColumn;
    public abstract byte Colour { get; set; }

    /// <summary>The cursor; the terminal rules below are the only ones that move it, besides Clear.</summary>
    protected int CursorRow, CursorColumn;

    /// <summary>Writes a character at the cursor (\n, \r, \b, \t as a terminal does); scrolls at the bottom.</summary>
    public void Write(char c)
    {
        HideCursor();
        switch (c)
        {
            case '\n': CursorColumn = 0; CursorRow++; break;
            case '\r': CursorColumn = 0; break;
            case '\b': if (CursorColumn > 0) CursorColumn--; break;
            case '\t': CursorColumn = (CursorColumn + 8) & ~7; break;
            default:
                Draw(CursorRow, CursorColumn, c, Colour);
                CursorColumn++;
                break;
        }
        if (CursorColumn >= Columns) { CursorColumn = 0; CursorRow++; }
        if (CursorRow >= Rows)
        {
            CursorRow = Rows - 1;
            ScrollUp();
        }
        ShowCursor();
    }

    /// <summary>Writes a character at a place without moving the cursor (line editing redraws with it).</summary>
    public abstract void Put(int row, int column, char c, byte colour);

    public void SetCursor(int row, int column)
    {
        HideCursor();
        CursorRow = row < 0 ? 0 : row >= Rows ? Rows - 1 : row;
        CursorColumn = column < 0 ? 0 : column >= Columns ? Columns - 1 : column;
        ShowCursor();
    }
    public abstract void Clear();

    /// <summary>What a cell holds now (for handing the screen from one device to another).</summary>
    public abstract (char Char, byte Colour) Cell(int row, int column);

    /// <summary>Puts a character into a cell (in range); the cursor is the caller's.</summary>
    protected abstract void Draw(int row, int column, char c, byte colour);

    /// <summary>Moves every row up one and blanks the last.</summary>
    protected abstract void ScrollUp();

    /// <summary>The cursor's mark, taken off before a cell changes and put back after.</summary>
    protected virtual void HideCursor() { }
    protected abstract void ShowCursor();

    /// <summary>Brings the visible screen up to date where the device defers work (scrolling); else nothing.</summary>
    public virtual void Flush() { }
}
