namespace MemOS.Kernel.Shell;

/// <summary>How the shell prints numbers: addresses in 0x-hex, sizes with binary units.</summary>
internal static class Format
{
    public static string Hex(ulong value) => "0x" + value.ToString("x");

    public static string Size(ulong bytes)
    {
        const ulong GiB = 1024UL * 1024 * 1024;
        if (bytes >= GiB && bytes % GiB == 0) return $"{bytes / GiB} GiB";
        if (bytes >= 1024UL * 1024 * 10) return $"{bytes / (1024UL * 1024)} MiB";
        if (bytes >= 1024UL * 10) return $"{bytes / 1024} KiB";
        return $"{bytes} B";
    }

    public static string Pad(string s, int width) => s.Length >= width ? s : s + new string(' ', width - s.Length);
    public static string PadLeft(string s, int width) => s.Length >= width ? s : new string(' ', width - s.Length) + s;
}
