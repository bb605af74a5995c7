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

    private byte _colour = 0x07;

    private VgaTextScreen() { }

    public override string Description => "VGA text 80x25";
    public override int Columns => Width;
    public override int Rows => Height;
    public override byte Colour { get => _colour; set => _colour = value; }

    public override void Clear()
    {
        ushort blank = (ushort)(_colour << 8 | ' ');
        for (int i = 0; i < Width * Height; i++) Buffer[i] = blank;
        CursorRow = CursorColumn = 0;
        ShowCursor();
    }

    protected override void Draw(int row, int column, char c, byte colour)
        => Buffer[row * Width + column] = (ushort)(colour << 8 | (c < 0x80 && c >= 0x20 ? c : '?'));

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

    protected override void ScrollUp()
    {
        for (int i = 0; i < Width * (Height - 1); i++) Buffer[i] = Buffer[i + Width];
        ushort blank = (ushort)(_colour << 8 | ' ');
        for (int i = Width * (Height - 1); i < Width * Height; i++) Buffer[i] = blank;
    }

    protected override void ShowCursor()
    {
        int position = CursorRow * Width + CursorColumn;
        Cpu.OutB(0x3D4, 0x0F);
        Cpu.OutB(0x3D5, (byte)position);
        Cpu.OutB(0x3D4, 0x0E);
        Cpu.OutB(0x3D5, (byte)(position >> 8));
    }
}
