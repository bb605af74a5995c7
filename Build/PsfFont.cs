using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Text;

namespace MemOS.Build;

/// <summary>
/// A PC Screen Font (PSF1 or PSF2, optionally gzip-compressed as Debian ships them in /usr/share/consolefonts):
/// glyph bitmaps (rows of big-endian bits, BytesPerRow bytes each) and which Unicode characters each glyph draws.
/// </summary>
public sealed class PsfFont
{
    private const ushort Psf1Magic = 0x0436;
    private const uint Psf2Magic = 0x864AB572;
    private readonly Dictionary<int, int> _glyphOf = new();
    private readonly byte[] _bitmaps;

    private PsfFont(int width, int height, int count, byte[] bitmaps)
    {
        Width = width;
        Height = height;
        GlyphCount = count;
        _bitmaps = bitmaps;
    }

    public int Width { get; }
    public int Height { get; }
    public int GlyphCount { get; }
    public int BytesPerRow => (Width + 7) / 8;
    public int BytesPerGlyph => BytesPerRow * Height;

    /// <summary>Reads a .psf or .psf.gz file.</summary>
    public static PsfFont Load(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B)
        {
            using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            using var plain = new MemoryStream();
            gzip.CopyTo(plain);
            bytes = plain.ToArray();
        }
        return Parse(bytes);
    }

    /// <summary>Parses an uncompressed PSF1 or PSF2 font; InvalidDataException names what is wrong.</summary>
    public static PsfFont Parse(byte[] b)
    {
        if (b.Length >= 4 && (b[0] | b[1] << 8) == Psf1Magic) return ParsePsf1(b);
        if (b.Length >= 32 && U32(b, 0) == Psf2Magic) return ParsePsf2(b);
        throw new InvalidDataException("not a PSF font (no PSF1 or PSF2 magic)");
    }

    /// <summary>The glyph drawing a character, or null if the font has none.</summary>
    public int? GlyphOf(int codePoint) => _glyphOf.TryGetValue(codePoint, out int g) ? g : null;

    /// <summary>The bitmap of one glyph (Height rows of BytesPerRow bytes, leftmost pixel = bit 7).</summary>
    public ReadOnlySpan<byte> Glyph(int index) => _bitmaps.AsSpan(index * BytesPerGlyph, BytesPerGlyph);

    /// <summary>True if pixel (x, y) of the glyph for a character is set (false for a character without one).</summary>
    public bool Pixel(int codePoint, int x, int y)
    {
        if (GlyphOf(codePoint) is not int g || (uint)x >= Width || (uint)y >= Height) return false;
        return (Glyph(g)[y * BytesPerRow + x / 8] & (0x80 >> (x % 8))) != 0;
    }

    private static uint U32(byte[] b, int at) => (uint)(b[at] | b[at + 1] << 8 | b[at + 2] << 16 | b[at + 3] << 24);

    private static PsfFont ParsePsf1(byte[] b)
    {
        int mode = b[2], height = b[3];
        int count = (mode & 1) != 0 ? 512 : 256;
        if (height == 0) throw new InvalidDataException("PSF1 font with glyph height 0");
        int tableAt = 4 + count * height;
        if (b.Length < tableAt)
            throw new InvalidDataException($"PSF1 font truncated: {count} glyphs need {tableAt} bytes");
        var font = new PsfFont(8, height, count, b[4..tableAt]);
        if ((mode & 6) == 0) font.MapIdentity();
        else
        {
            // per glyph: UCS-2 little-endian code points, 0xFFFE starts sequences (skipped), 0xFFFF ends the glyph
            int at = tableAt;
            for (int g = 0; g < count && at + 1 < b.Length; g++)
            {
                bool sequence = false;
                for (int u; at + 1 < b.Length && (u = b[at] | b[at + 1] << 8) != 0xFFFF; at += 2)
                {
                    if (u == 0xFFFE) sequence = true;
                    else if (!sequence) font._glyphOf.TryAdd(u, g);
                }
                at += 2;
            }
        }
        return font;
    }

    private static PsfFont ParsePsf2(byte[] b)
    {
        uint headerSize = U32(b, 8), flags = U32(b, 12), count = U32(b, 16), glyphBytes = U32(b, 20);
        uint height = U32(b, 24), width = U32(b, 28);
        if (width == 0 || height == 0 || width > 64 || height > 64 || count == 0 || count > 65536
            || glyphBytes != (width + 7) / 8 * height)
            throw new InvalidDataException($"PSF2 header is implausible ({count} glyphs of {width}x{height})");
        long tableAt = headerSize + (long)count * glyphBytes;
        if (headerSize < 32 || b.Length < tableAt)
            throw new InvalidDataException($"PSF2 font truncated: {count} glyphs need {tableAt} bytes");
        var font = new PsfFont((int)width, (int)height, (int)count, b[(int)headerSize..(int)tableAt]);
        if ((flags & 1) == 0) font.MapIdentity();
        else
        {
            // per glyph: UTF-8 characters, 0xFE starts sequences (skipped), 0xFF ends the glyph
            int at = (int)tableAt;
            for (int g = 0; g < count && at < b.Length; g++)
            {
                int end = Array.IndexOf(b, (byte)0xFF, at);
                if (end < 0) end = b.Length;
                int sequenceAt = Array.IndexOf(b, (byte)0xFE, at, end - at);
                string text = Encoding.UTF8.GetString(b, at, (sequenceAt < 0 ? end : sequenceAt) - at);
                for (int i = 0; i < text.Length; i += char.IsSurrogatePair(text, i) ? 2 : 1)
                    font._glyphOf.TryAdd(char.ConvertToUtf32(text, i), g);
                at = end + 1;
            }
        }
        return font;
    }

    private void MapIdentity()
    {
        for (int g = 0; g < GlyphCount; g++) _glyphOf[g] = g;
    }
}
