namespace MemOS.Kernel.Hardware;

/// <summary>The 80x25 VGA text screen, reached through the direct map: colours, scrolling, a hardware cursor.</summary>
internal static unsafe class VgaTextScreen
{
    public const int Width = 80, Height = 25;
    private const ulong DirectMapBase = 0xFFFF_8000_0000_0000;
    private static ushort* Buffer => (ushort*)(DirectMapBase + 0xB8000);

    private static int s_row, s_column;
    public static byte Colour { get; set; } = 0x07;

    public static int Row => s_row;
    public static int Column => s_column;

    public static void Clear()
    {
        ushort blank = (ushort)(Colour << 8 | ' ');
        for (int i = 0; i < Width * Height; i++) Buffer[i] = blank;
        s_row = s_column = 0;
        MoveCursor();
    }

    public static void Write(char c)
    {
        switch (c)
        {
            case '\n': s_column = 0; s_row++; break;
            case '\r': s_column = 0; break;
            case '\b': if (s_column > 0) s_column--; break;
            case '\t': s_column = (s_column + 8) & ~7; break;
            default:
                Buffer[s_row * Width + s_column] = (ushort)(Colour << 8 | (c < 0x80 && c >= 0x20 ? c : '?'));
                s_column++;
                break;
        }
        if (s_column >= Width) { s_column = 0; s_row++; }
        if (s_row >= Height) Scroll();
        MoveCursor();
    }

    /// <summary>Writes a character at a place without moving the cursor (line editing redraws with it).</summary>
    public static void Put(int row, int column, char c, byte colour)
    {
        if ((uint)row < Height && (uint)column < Width) Buffer[row * Width + column] = (ushort)(colour << 8 | c);
    }

    public static void SetCursor(int row, int column)
    {
        s_row = row < 0 ? 0 : row >= Height ? Height - 1 : row;
        s_column = column < 0 ? 0 : column >= Width ? Width - 1 : column;
        MoveCursor();
    }

    private static void Scroll()
    {
        for (int i = 0; i < Width * (Height - 1); i++) Buffer[i] = Buffer[i + Width];
        ushort blank = (ushort)(Colour << 8 | ' ');
        for (int i = Width * (Height - 1); i < Width * Height; i++) Buffer[i] = blank;
        s_row = Height - 1;
    }

    private static void MoveCursor()
    {
        int position = s_row * Width + s_column;
        Cpu.OutB(0x3D4, 0x0F);
        Cpu.OutB(0x3D5, (byte)position);
        Cpu.OutB(0x3D4, 0x0E);
        Cpu.OutB(0x3D5, (byte)(position >> 8));
    }
}
