using MemOS.Kernel.Hardware;

namespace MemOS.Kernel.TextConsole;

/// <summary>
/// A character console drawn on a linear framebuffer in the console font. Every cell is rendered into a shadow copy
/// of the screen in RAM and, unless a scroll is pending, into the framebuffer too. The shadow is a ring of text rows,
/// so scrolling only clears one row; the framebuffer is refreshed from the shadow (never read back) at most every
/// <see cref="ScrollRefreshNanoseconds"/> while output streams, and whenever the terminal waits for a key.
/// </summary>
internal sealed unsafe class FramebufferConsole : ConsoleScreen
{
    public const long ScrollRefreshNanoseconds = 40_000_000;
    private const int CursorHeight = 2;

    // the 16 VGA colours as 0xRRGGBB
    private static readonly uint[] Rgb =
    [
        0x000000, 0x0000AA, 0x00AA00, 0x00AAAA, 0xAA0000, 0xAA00AA, 0xAA5500, 0xAAAAAA,
        0x555555, 0x5555FF, 0x55FF55, 0x55FFFF, 0xFF5555, 0xFF55FF, 0xFFFF55, 0xFFFFFF,
    ];

    private readonly LinearFramebuffer _screen;
    private readonly uint* _shadow; // Rows * CellHeight pixel rows of Width pixels, text row r at ring row (_top+r)
    private readonly int _columns, _rows, _width;
    private readonly char[] _chars;
    private readonly byte[] _colours;
    private readonly uint[] _palette = new uint[16];
    private int _top;
    private byte _colour = 0x07;
    private bool _stale, _suspended;
    private long _lastRefresh;
    private int _cursorRow = -1, _cursorColumn;

    /// <summary>A console on `screen`, with `shadow` (Width × Height pixels of RAM) as its shadow copy.</summary>
    public FramebufferConsole(LinearFramebuffer screen, uint* shadow)
    {
        _screen = screen;
        _shadow = shadow;
        _width = screen.Width;
        _columns = screen.Width / ConsoleFont.Width;
        _rows = screen.Height / ConsoleFont.Height;
        _chars = new char[_columns * _rows];
        _colours = new byte[_columns * _rows];
        for (int i = 0; i < 16; i++) _palette[i] = screen.Pack(Rgb[i]);
        _screen.Fill(0, 0, screen.Width, screen.Height, _palette[0]);
        Clear();
    }

    public LinearFramebuffer Screen => _screen;
    public override string Description =>
        $"framebuffer {_screen.Width}x{_screen.Height}x32, {_columns}x{_rows} characters ({ConsoleFont.Source})";
    public override int Columns => _columns;
    public override int Rows => _rows;
    public override byte Colour { get => _colour; set => _colour = value; }

    /// <summary>0xRRGGBB of a VGA colour index (the palette the console draws with).</summary>
    public static uint RgbOf(int vgaColour) => Rgb[vgaColour & 0xF];

    public override void Clear()
    {
        _top = 0;
        for (int r = 0; r < _rows; r++) BlankRow(r);
        CursorRow = CursorColumn = 0;
        Refresh();
    }

    protected override void Draw(int row, int column, char c, byte colour) => Set(row, column, c, colour);

    public override void Put(int row, int column, char c, byte colour)
    {
        if ((uint)row >= (uint)_rows || (uint)column >= (uint)_columns) return;
        HideCursor();
        Set(row, column, c, colour);
        ShowCursor();
    }

    public override (char Char, byte Colour) Cell(int row, int column)
    {
        if ((uint)row >= (uint)_rows || (uint)column >= (uint)_columns) return (' ', _colour);
        int i = Index(row, column);
        return (_chars[i], _colours[i]);
    }

    public override void Flush()
    {
        if (_stale && !_suspended) Refresh();
    }

    /// <summary>A picture owns the framebuffer: text goes to the shadow only until <see cref="Resume"/>.</summary>
    public void Suspend()
    {
        HideCursor();
        _suspended = true;
    }

    /// <summary>The console takes the framebuffer back and redraws it from the shadow.</summary>
    public void Resume()
    {
        _suspended = false;
        Refresh();
    }

    /// <summary>Redraws the whole framebuffer from the shadow.</summary>
    public void Refresh()
    {
        for (int r = 0; r < _rows; r++)
        {
            uint* source = ShadowRow(r);
            for (int y = 0; y < ConsoleFont.Height; y++)
                _screen.CopyRow(0, r * ConsoleFont.Height + y, source + y * _width, _width);
        }
        _stale = false;
        _lastRefresh = Timer.Nanoseconds();
        _cursorRow = -1;
        ShowCursor();
    }

    private int Index(int row, int column) => ((_top + row) % _rows) * _columns + column;
    private uint* ShadowRow(int row) => _shadow + (long)((_top + row) % _rows) * ConsoleFont.Height * _width;

    protected override void ScrollUp()
    {
        _top = (_top + 1) % _rows;
        BlankRow(_rows - 1);
        _stale = true;
        if (!_suspended && Timer.Nanoseconds() - _lastRefresh >= ScrollRefreshNanoseconds) Refresh();
    }

    private void BlankRow(int row)
    {
        for (int column = 0; column < _columns; column++)
        {
            int i = Index(row, column);
            _chars[i] = ' ';
            _colours[i] = _colour;
        }
        uint* p = ShadowRow(row);
        uint background = _palette[_colour >> 4 & 0xF];
        for (int i = 0; i < ConsoleFont.Height * _width; i++) p[i] = background;
    }

    // Renders a cell into the shadow and, when the framebuffer is current, copies it there.
    private void Set(int row, int column, char c, byte colour)
    {
        int i = Index(row, column);
        _chars[i] = c;
        _colours[i] = colour;
        if (c < ConsoleFont.First || c > ConsoleFont.Last) c = '?';
        System.ReadOnlySpan<byte> glyph = ConsoleFont.Glyphs.Slice((c - ConsoleFont.First) * ConsoleFont.Height,
            ConsoleFont.Height);
        uint foreground = _palette[colour & 0xF], background = _palette[colour >> 4 & 0xF];
        uint* cell = ShadowRow(row) + column * ConsoleFont.Width;
        for (int y = 0; y < ConsoleFont.Height; y++)
        {
            byte bits = glyph[y];
            uint* line = cell + y * _width;
            for (int x = 0; x < ConsoleFont.Width; x++) line[x] = (bits & (0x80 >> x)) != 0 ? foreground : background;
        }
        if (!_stale && !_suspended) CopyCell(row, column);
    }

    private void CopyCell(int row, int column)
    {
        uint* cell = ShadowRow(row) + column * ConsoleFont.Width;
        for (int y = 0; y < ConsoleFont.Height; y++)
            _screen.CopyRow(column * ConsoleFont.Width, row * ConsoleFont.Height + y, cell + y * _width,
                ConsoleFont.Width);
    }

    // The cursor is an underline in the cell's foreground colour, drawn on the framebuffer only.
    protected override void ShowCursor()
    {
        if (_stale || _suspended) return;
        _cursorRow = CursorRow;
        _cursorColumn = CursorColumn;
        int cell = Index(CursorRow, CursorColumn);
        byte colour = _chars[cell] == ' ' ? _colour : _colours[cell];
        _screen.Fill(CursorColumn * ConsoleFont.Width, (CursorRow + 1) * ConsoleFont.Height - CursorHeight,
            ConsoleFont.Width, CursorHeight, _palette[colour & 0xF]);
    }

    protected override void HideCursor()
    {
        if (_cursorRow < 0 || _stale || _suspended) return;
        if (_cursorRow < _rows) CopyCell(_cursorRow, _cursorColumn);
        _cursorRow = -1;
    }
}
