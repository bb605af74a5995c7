using MemOS.Kernel.Hardware;

namespace MemOS.Kernel.TextConsole;

/// <summary>Text in the console font at any pixel position of a framebuffer (labels of pictures).</summary>
internal static unsafe class PixelText
{
    /// <summary>Draws `text` with its top-left corner at (x, y) in 0xRRGGBB colours; returns the x after it.</summary>
    public static int Draw(LinearFramebuffer screen, int x, int y, string text, uint foreground, uint background)
    {
        uint fg = screen.Pack(foreground), bg = screen.Pack(background);
        for (int i = 0; i < text.Length; i++, x += ConsoleFont.Width)
        {
            char c = text[i] < ConsoleFont.First || text[i] > ConsoleFont.Last ? '?' : text[i];
            System.ReadOnlySpan<byte> glyph = ConsoleFont.Glyphs.Slice((c - ConsoleFont.First) * ConsoleFont.Height,
                ConsoleFont.Height);
            if (x < 0 || x + ConsoleFont.Width > screen.Width || y < 0 || y + ConsoleFont.Height > screen.Height)
                continue;
            for (int row = 0; row < ConsoleFont.Height; row++)
            {
                uint* line = screen.Pixels + (long)(y + row) * screen.PitchPixels + x;
                for (int bit = 0; bit < ConsoleFont.Width; bit++)
                    line[bit] = (glyph[row] & (0x80 >> bit)) != 0 ? fg : bg;
            }
        }
        return x;
    }
}
