using System;
using System.IO;
using System.Text;

namespace MemOS.Build;

/// <summary>
/// `MemOS.Build font FONT.psf.gz OUT.cs`: turns a PSF console font into the kernel's ConsoleFont data (a C# file
/// compiled into the image): the glyphs of printable ASCII, in code-point order, so the kernel needs no table.
/// </summary>
public static class FontSourceWriter
{
    public const int First = 0x20, Last = 0x7E;

    public static int Run(string fontPath, string outputPath)
    {
        PsfFont font;
        try
        {
            font = PsfFont.Load(fontPath);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            Console.WriteLine($"{fontPath}: error MEMOSFONT: cannot read the console font: {e.Message}"
                + " (./memos setup installs console-setup-linux, which ships it)");
            return 1;
        }
        string source;
        try
        {
            source = Write(font, Path.GetFileName(fontPath));
        }
        catch (InvalidDataException e)
        {
            Console.WriteLine($"{fontPath}: error MEMOSFONT: {e.Message}");
            return 1;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outputPath))!);
        File.WriteAllText(outputPath, source);
        Console.WriteLine($"font: {Path.GetFileName(fontPath)} {font.Width}x{font.Height} -> {outputPath}");
        return 0;
    }

    /// <summary>The C# source of ConsoleFont for this font; every printable ASCII character needs a glyph.</summary>
    public static string Write(PsfFont font, string sourceName)
    {
        if (font.Width > 8)
            throw new InvalidDataException($"glyphs {font.Width} pixels wide: the console draws at most 8");
        var sb = new StringBuilder();
        sb.AppendLine($"// Generated at build time by MemOS.Build from the console font {sourceName}. Do not edit.");
        sb.AppendLine("using System;");
        sb.AppendLine();
        sb.AppendLine("namespace MemOS.Kernel.TextConsole;");
        sb.AppendLine();
        sb.AppendLine("/// <summary>Printable ASCII glyphs, one byte per row (leftmost pixel = bit 7).</summary>");
        sb.AppendLine("internal static class ConsoleFont");
        sb.AppendLine("{");
        sb.AppendLine($"    public const string Source = \"{sourceName}\";");
        sb.AppendLine($"    public const int Width = {font.Width}, Height = {font.Height}, "
            + $"First = {First}, Last = {Last};");
        sb.AppendLine();
        sb.AppendLine("    public static ReadOnlySpan<byte> Glyphs =>");
        sb.AppendLine("    [");
        for (int c = First; c <= Last; c++)
        {
            int glyph = font.GlyphOf(c) ?? throw new InvalidDataException($"the font has no glyph for '{(char)c}'");
            ReadOnlySpan<byte> bits = font.Glyph(glyph);
            sb.Append("        ");
            for (int i = 0; i < bits.Length; i++) sb.Append($"0x{bits[i]:X2}, ");
            sb.Length--;
            sb.AppendLine(c == '\\' ? " // backslash" : $" // {(char)c}");
        }
        sb.AppendLine("    ];");
        sb.AppendLine("}");
        return sb.ToString();
    }
}
