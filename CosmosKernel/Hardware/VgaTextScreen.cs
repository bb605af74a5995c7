using MemOS.Kernel.TextConsole;

namespace MemOS.Kernel.Hardware;

/// <summary>The 80x25 VGA text screen, reached through the direct map: colours, scrolling, a hardware cursor.</summary>
internal sealed unsafe class VgaTextScreen : ConsoleScreen
{
    public const int Width = 80, Height = 25;
    private const ulong DirectMapBase = 0xFFFF_8000_0000_0000;
    private static ushort* Buffer => (ushort*)(DirectMapBase + 0xB8000);

    /// <summary>The one VGA text screen (the console until a framebuffer takes over).</summary>
    public static readonly VgaTextScreen Instance = new();

    private int _row, _column;
    private byte _colour = 0x07;

    private VgaTextScreen() { }

    public override string Description => "VGA text 80x25";
    public override int Columns => Width;
    public override int Rows => Height;
    public override int Row => _row;
    public override int Column => _column;
    public override byte Colour { get => _colour; set => _colour = value; }

    public override void Clear()
    {
        ushort blank = (ushort)(_colour << 8 | ' ');
        for (int i = 0; i < Width * Height; i++) Buffer[i] = blank;
        _row = _column = 0;
        MoveCursor();
    }

    public override void Write(char c)
    {
        switch (c)
        {
            case '\n': _column = 0; _row++; break;
            case '\r': _column = 0; break;
            case '\b': if (_column > 0) _column--; break;
            case '\t': _column = (_column + 8) & ~7; break;
            default:
                Buffer[_row * Width + _column] = (ushort)(_colour << 8 | (c < 0x80 && c >= 0x20 ? c : '?'));
                _column++;
                break;
        }
        if (_column >= Width) { _column = 0; _row++; }
        if (_row >= Height) Scroll();
        MoveCursor();
    }

    public override void Put(int row, int column, char c, byte colour)
    {
        if ((uint)row < Height && (uint)column < Width) Buffer[row * Width + column] = (ushort)(colour << 8 | c);
    }

    public override (char Char, byte Colour) Cell(int row, int column)
    {
        if ((uint)row >= Height || (uint)column >= Width) return (' ', _colour);
        ushort cell = Buffer[row * Width + column];
        return ((char)(cell & 0xFF), (byte)(cell >> 8));
    }

    public override void SetCursor(int row, int column)
    {
        _row = row < 0 ? 0 : row >= Height ? Height - 1 : row;
        _column = column < 0 ? 0 : column >= Width ? Width - 1 : column;
        MoveCursor();
    }

    private void Scroll()
    {
        for (int i = 0; i < Width * (Height - 1); i++) Buffer[i] = Buffer[i + Width];
        ushort blank = (ushort)(_colour << 8 | ' ');
        for (int i = Width * (Height - 1); i < Width * Height; i++) Buffer[i] = blank;
        _row = Height - 1;
    }

    private void MoveCursor()
    {
        int position = _row * Width + _column;
        Cpu.OutB(0x3D4, 0x0F);
        Cpu.OutB(0x3D5, (byte)position);
        Cpu.OutB(0x3D4, 0x0E);
        Cpu.OutB(0x3D5, (byte)(position >> 8));
    }
}
