namespace MemOS.Kernel.TextConsole;

/// <summary>A screen's cells (row by row), cursor and colour, carried from one screen to the next.</summary>
internal sealed record ScreenSnapshot((char Char, byte Colour)[] Cells, int Columns, int Row, int Column, byte Colour);
