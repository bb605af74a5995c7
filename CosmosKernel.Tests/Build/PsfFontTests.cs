using System;
using System.IO;
using System.Linq;
using MemOS.Build;
using NUnit.Framework;

namespace MemOS.Tests.Build;

/// <summary>The console-font step: PSF1/PSF2 parsing, Unicode tables, and the C# data the kernel compiles.</summary>
public class PsfFontTests
{
    // A PSF1 font of 256 8x4 glyphs whose glyph g has every row = g, with a Unicode table mapping 'A' to glyph 7.
    private static byte[] Psf1WithTable()
    {
        var b = new byte[4 + 256 * 4 + 256 * 2 + 4];
        b[0] = 0x36; b[1] = 0x04; b[2] = 0x02; b[3] = 4;
        for (int g = 0; g < 256; g++) for (int r = 0; r < 4; r++) b[4 + g * 4 + r] = (byte)g;
        int at = 4 + 256 * 4;
        for (int g = 0; g < 256; g++)
        {
            if (g == 7) { b[at++] = (byte)'A'; b[at++] = 0; }
            b[at++] = 0xFF; b[at++] = 0xFF;
        }
        return b;
    }

    [Test]
    public void Psf1_unicode_table_decides_which_glyph_draws_a_character()
    {
        PsfFont font = PsfFont.Parse(Psf1WithTable());
        Assert.That((font.Width, font.Height, font.GlyphCount), Is.EqualTo((8, 4, 256)));
        Assert.That(font.GlyphOf('A'), Is.EqualTo(7));
        Assert.That(font.GlyphOf('B'), Is.Null);
        Assert.That(font.Glyph(7).ToArray(), Is.EqualTo(new byte[] { 7, 7, 7, 7 }));
        Assert.That(font.Pixel('A', 7, 0), Is.True);
        Assert.That(font.Pixel('A', 0, 0), Is.False);
    }

    [Test]
    public void Psf2_without_table_maps_glyph_index_to_code_point()
    {
        var b = new byte[32 + 128 * 2 * 3];
        BitConverter.GetBytes(0x864AB572u).CopyTo(b, 0);
        BitConverter.GetBytes(32u).CopyTo(b, 8);
        BitConverter.GetBytes(0u).CopyTo(b, 12);
        BitConverter.GetBytes(128u).CopyTo(b, 16);
        BitConverter.GetBytes(6u).CopyTo(b, 20);
        BitConverter.GetBytes(3u).CopyTo(b, 24);
        BitConverter.GetBytes(10u).CopyTo(b, 28);
        b[32 + 'x' * 6] = 0x80;
        PsfFont font = PsfFont.Parse(b);
        Assert.That((font.Width, font.Height, font.BytesPerRow), Is.EqualTo((10, 3, 2)));
        Assert.That(font.Pixel('x', 0, 0), Is.True);
        Assert.That(() => FontSourceWriter.Write(font, "wide.psf"), Throws.TypeOf<InvalidDataException>());
    }

    [Test]
    public void Garbage_and_truncated_fonts_are_refused()
    {
        Assert.That(() => PsfFont.Parse([1, 2, 3, 4, 5]), Throws.TypeOf<InvalidDataException>());
        Assert.That(() => PsfFont.Parse(Psf1WithTable()[..100]),
            Throws.TypeOf<InvalidDataException>().With.Message.Contains("truncated"));
    }

    [Test]
    public void A_font_missing_printable_ascii_cannot_become_the_console_font()
    {
        Assert.That(() => FontSourceWriter.Write(PsfFont.Parse(Psf1WithTable()), "t.psf"),
            Throws.TypeOf<InvalidDataException>().With.Message.Contains("no glyph for ' '"));
    }

    [Test]
    public void The_installed_console_font_converts_and_draws_letters()
    {
        const string path = "/usr/share/consolefonts/Lat15-Terminus16.psf.gz";
        if (!File.Exists(path)) Assert.Ignore($"{path} is not installed (./memos setup installs console-setup-linux)");
        PsfFont font = PsfFont.Load(path);
        string source = FontSourceWriter.Write(font, "Lat15-Terminus16.psf.gz");
        Assert.That(source, Does.Contain("Width = 8, Height = 16"));
        Assert.That(source.Split('\n').Count(l => l.TrimStart().StartsWith("0x", StringComparison.Ordinal)),
            Is.EqualTo(FontSourceWriter.Last - FontSourceWriter.First + 1));
        // a space is blank; an 'H' has pixels in both columns of its stems
        Assert.That(Enumerable.Range(0, 16 * 8).Any(i => font.Pixel(' ', i % 8, i / 8)), Is.False);
        int rowsWithStems = Enumerable.Range(0, 16).Count(y => font.Pixel('H', 1, y) && font.Pixel('H', 6, y));
        Assert.That(rowsWithStems, Is.GreaterThan(5));
    }
}
