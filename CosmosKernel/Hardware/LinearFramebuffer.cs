namespace MemOS.Kernel.Hardware;

/// <summary>
/// A 32-bit linear framebuffer mapped into the kernel (its MMIO region): geometry, the pixel format (where red, green
/// and blue sit), and writes only: nothing reads video memory back (slow on real hardware).
/// </summary>
internal sealed unsafe class LinearFramebuffer(uint* pixels, int width, int height, int pitchPixels,
    int redPosition, int greenPosition, int bluePosition)
{
    public int Width => width;
    public int Height => height;
    /// <summary>Pixels from one row's start to the next.</summary>
    public int PitchPixels => pitchPixels;
    public uint* Pixels => pixels;

    /// <summary>The device's pixel value for an 0xRRGGBB colour.</summary>
    public uint Pack(uint rgb) =>
        (rgb >> 16 & 0xFF) << redPosition | (rgb >> 8 & 0xFF) << greenPosition | (rgb & 0xFF) << bluePosition;

    /// <summary>Fills a rectangle (clipped to the screen) with a device pixel value.</summary>
    public void Fill(int x, int y, int w, int h, uint pixel)
    {
        int x0 = x < 0 ? 0 : x, y0 = y < 0 ? 0 : y;
        int x1 = x + w > width ? width : x + w, y1 = y + h > height ? height : y + h;
        for (int row = y0; row < y1; row++)
        {
            uint* line = pixels + (long)row * pitchPixels;
            for (int column = x0; column < x1; column++) line[column] = pixel;
        }
    }

    /// <summary>Copies `count` pixels of a row from memory to (x, y).</summary>
    public void CopyRow(int x, int y, uint* source, int count)
    {
        if ((uint)y >= (uint)height || x < 0 || x + count > width) return;
        System.Buffer.MemoryCopy(source, pixels + (long)y * pitchPixels + x, (long)count * 4, (long)count * 4);
    }
}
