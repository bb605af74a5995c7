using System;
using System.IO;

namespace MemOS.Tests.Kernel.Display;

/// <summary>A binary PPM (P6, maxval 255) as QEMU's screendump writes it: pixels as 0xRRGGBB.</summary>
public sealed class PpmImage
{
    private readonly byte[] _rgb;
    private readonly int _offset;

    private PpmImage(int width, int height, byte[] rgb, int offset)
    {
        Width = width;
        Height = height;
        _rgb = rgb;
        _offset = offset;
    }

    public int Width { get; }
    public int Height { get; }

    public uint this[int x, int y]
    {
        get
        {
            if ((uint)x >= Width || (uint)y >= Height) throw new ArgumentOutOfRangeException(nameof(x), $"({x},{y})");
            int i = _offset + (y * Width + x) * 3;
            return (uint)(_rgb[i] << 16 | _rgb[i + 1] << 8 | _rgb[i + 2]);
        }
    }

    public static PpmImage Read(string path)
    {
        byte[] b = File.ReadAllBytes(path);
        int at = 0;
        string Token()
        {
            while (at < b.Length && char.IsWhiteSpace((char)b[at])) at++;
            int start = at;
            while (at < b.Length && !char.IsWhiteSpace((char)b[at])) at++;
            return System.Text.Encoding.ASCII.GetString(b, start, at - start);
        }
        if (Token() != "P6") throw new InvalidDataException($"{path} is not a binary PPM");
        int width = int.Parse(Token()), height = int.Parse(Token()), max = int.Parse(Token());
        at++; // the single whitespace after maxval
        if (max != 255 || b.Length < at + width * height * 3)
            throw new InvalidDataException($"{path}: {width}x{height}, maxval {max}, {b.Length} bytes");
        return new PpmImage(width, height, b, at);
    }
}
