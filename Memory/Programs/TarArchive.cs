using System.Collections.Generic;

namespace MemOS.Memory.Programs;

/// <summary>
/// A read-only POSIX ustar archive (the programs' boot module): 512-byte headers, each followed by its file's bytes
/// rounded up to 512. Headers are checked (checksum, octal sizes, bounds); a bad one ends the listing with a problem.
/// </summary>
public sealed class TarArchive
{
    private const int Block = 512;

    private TarArchive(List<TarEntry> entries, string? problem)
    {
        Entries = entries;
        Problem = problem;
    }

    public List<TarEntry> Entries { get; }

    /// <summary>Why the listing stopped early, or null when the archive ended cleanly.</summary>
    public string? Problem { get; }

    public TarEntry? Find(string name)
    {
        foreach (TarEntry e in Entries) if (e.Name == name) return e;
        return null;
    }

    public static TarArchive Parse(System.ReadOnlySpan<byte> archive)
    {
        var entries = new List<TarEntry>();
        ulong offset = 0, length = (ulong)archive.Length;
        while (offset + Block <= length)
        {
            System.ReadOnlySpan<byte> h = archive.Slice((int)offset, Block);
            if (IsZero(h)) return new TarArchive(entries, null);
            if (!ChecksumOk(h)) return new TarArchive(entries, $"header at {offset}: bad checksum");
            if (!Octal(h.Slice(124, 12), out ulong size))
                return new TarArchive(entries, $"header at {offset}: bad size field");
            ulong data = offset + Block;
            if (size > length - data)
                return new TarArchive(entries, $"header at {offset}: {size} bytes run past the archive's end");
            byte kind = h[156];
            string name = Text(h.Slice(0, 100));
            if (h[257] == (byte)'u' && h[258] == (byte)'s' && h[259] == (byte)'t' && h[260] == (byte)'a'
                && h[261] == (byte)'r')
            {
                string prefix = Text(h.Slice(345, 155));
                if (prefix.Length > 0) name = prefix + "/" + name;
            }
            while (name.StartsWith("./")) name = name.Substring(2);
            if ((kind == (byte)'0' || kind == 0) && name.Length > 0 && !name.EndsWith('/'))
                entries.Add(new TarEntry(name, data, size));
            offset = data + ((size + Block - 1) & ~(ulong)(Block - 1));
        }
        return new TarArchive(entries,
            offset == length ? null : $"{length - offset} trailing bytes (not a whole header)");
    }

    private static bool IsZero(System.ReadOnlySpan<byte> b)
    {
        foreach (byte x in b) if (x != 0) return false;
        return true;
    }

    private static bool ChecksumOk(System.ReadOnlySpan<byte> h)
    {
        if (!Octal(h.Slice(148, 8), out ulong stored)) return false;
        ulong sum = 0;
        for (int i = 0; i < Block; i++) sum += i >= 148 && i < 156 ? (byte)' ' : h[i];
        return sum == stored;
    }

    // An octal number, NUL/space padded; at most 11 digits (ustar's limit, 8 GiB).
    private static bool Octal(System.ReadOnlySpan<byte> field, out ulong value)
    {
        value = 0;
        int digits = 0;
        foreach (byte c in field)
        {
            if (c == 0 || c == (byte)' ') { if (digits > 0) break; continue; }
            if (c < (byte)'0' || c > (byte)'7' || ++digits > 11) return false;
            value = value * 8 + (ulong)(c - '0');
        }
        return digits > 0;
    }

    private static string Text(System.ReadOnlySpan<byte> field)
    {
        int n = 0;
        while (n < field.Length && field[n] != 0) n++;
        var chars = new char[n];
        for (int i = 0; i < n; i++) chars[i] = field[i] >= 0x20 && field[i] < 0x7F ? (char)field[i] : '?';
        return new string(chars);
    }
}
