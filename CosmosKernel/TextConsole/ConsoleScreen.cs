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
    public abstract int Row { get; }
    public abstract int Column { get; }
    public abstract byte Colour { get; set; }

    /// <summary>Writes a character at the cursor (\n, \r, \b, \t as a terminal does); scrolls at the bottom.</summary>
    public abstract void Write(char c);

    /// <summary>Writes a character at a place without moving the cursor (line editing redraws with it).</summary>
    public abstract void Put(int row, int column, char c, byte colour);

    public abstract void SetCursor(int row, int column);
    public abstract void Clear();

    /// <summary>What a cell holds now (for handing the screen from one device to another).</summary>
    public abstract (char Char, byte Colour) Cell(int row, int column);

    /// <summary>Brings the visible screen up to date where the device defers work (scrolling); else nothing.</summary>
    public virtual void Flush() { }
}
