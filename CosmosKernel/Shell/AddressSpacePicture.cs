using System;
using System.Collections.Generic;
using MemOS.Kernel.Hardware;
using MemOS.Kernel.MemoryManagement;
using MemOS.Kernel.TextConsole;
using MemOS.Memory;
using MemOS.Memory.Paging;
using MemOS.Memory.Virtual;

namespace MemOS.Kernel.Shell;

/// <summary>
/// `vmmap --draw [PID]`: an address space as a picture on a compressed axis. Top to bottom in address order, each
/// mapping is a labelled bar whose length grows with the logarithm of its size (4 KiB .. 128 TiB), bright where its
/// pages are resident and dark where they are not; the unmapped space between mappings is a thin row saying how
/// large it is, in red when it is a guard gap (a few pages).
/// </summary>
internal static class AddressSpacePicture
{
    private const int Top = 32, Margin = 8, BarHeight = 10, GapHeight = 16;
    private const ulong GuardLimit = 4 * VirtualAddress.PageSize;
    public const uint ImmediateRgb = 0x3C78FF, DemandRgb = 0x40C040, MmioRgb = 0xE040E0, FixedRgb = 0x909090,
        GuardRgb = 0xE03030, GapRgb = 0x707070;

    /// <summary>One mapping: a region of the space or a fixed mapping made at boot.</summary>
    public readonly record struct Mapping(ulong Start, ulong End, string Name, string Note, uint Rgb);

    /// <summary>Mappings of an address space's regions (name, backing, resident/total pages).</summary>
    public static List<Mapping> Regions(AddressSpace space)
    {
        var list = new List<Mapping>(space.RegionCount + 8);
        var regions = new List<Region>(space.RegionCount);
        foreach (Region r in space.Regions) regions.Add(r);
        foreach (Region r in regions)
        {
            ulong pages = r.Length / VirtualAddress.PageSize;
            uint rgb = r.IsMmio ? MmioRgb : r.BackingAt(r.Base) == RegionBacking.Demand ? DemandRgb : ImmediateRgb;
            list.Add(new Mapping(r.Base.Value, r.End.Value, r.Name,
                $"{r.DescribeBacking()}, {r.ResidentPages}/{pages} pages resident", rgb));
        }
        return list;
    }

    /// <summary>Draws the mappings (sorted here); returns a line about the picture.</summary>
    public static string Paint(LinearFramebuffer screen, string title, List<Mapping> mappings, PageTable table)
    {
        mappings.Sort((a, b) => a.Start.CompareTo(b.Start));
        uint background = screen.Pack(MemoryPicture.Background);
        screen.Fill(0, 0, screen.Width, screen.Height, background);
        PixelText.Draw(screen, Margin, Margin, title + ": bar length ~ log2(size), bright = resident pages",
            MemoryPicture.Text, MemoryPicture.Background);
        int y = Top, shown = 0, width = screen.Width - 2 * Margin;
        int rowHeight = ConsoleFont.Height + BarHeight + 6;
        for (int i = 0; i < mappings.Count; i++)
        {
            Mapping m = mappings[i];
            // a gap inside a page (section padding of the kernel image) is not unmapped space
            ulong gap = i == 0 ? 0 : m.Start > mappings[i - 1].End ? m.Start - mappings[i - 1].End : 0;
            if (gap < VirtualAddress.PageSize) gap = 0;
            if (y + rowHeight + GapHeight + ConsoleFont.Height > screen.Height)
            {
                PixelText.Draw(screen, Margin, y, $"... {mappings.Count - shown} more mapping(s): `vmmap` lists all",
                    MemoryPicture.Text, MemoryPicture.Background);
                break;
            }
            if (gap > 0)
            {
                bool guard = gap <= GuardLimit;
                string text = guard ? $"guard gap {Size(gap)}" : $"unmapped {Size(gap)}";
                uint rgb = guard ? GuardRgb : GapRgb;
                screen.Fill(Margin, y + GapHeight / 2, 40, 1, screen.Pack(rgb));
                PixelText.Draw(screen, Margin + 48, y, text, rgb, MemoryPicture.Background);
                y += GapHeight;
            }
            PixelText.Draw(screen, Margin, y, $"{m.Start:x16}-{m.End:x16} {m.Name}: {m.Note}", MemoryPicture.Text,
                MemoryPicture.Background);
            y += ConsoleFont.Height + 2;
            DrawBar(screen, table, m, Margin, y, width);
            y += BarHeight + 4;
            shown++;
        }
        return $"{mappings.Count} mappings, {shown} drawn";
    }

    // Sizes up to 2^64 in the largest unit that keeps a whole number (Format.Size stops at GiB).
    private static string Size(ulong bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
        int unit = 0;
        while (unit < units.Length - 1 && bytes >= 1024 * 10) { bytes >>= 10; unit++; }
        return $"{bytes} {units[unit]}";
    }

    // The bar: length by log2(size) between 4 KiB and 128 TiB; each pixel column stands for a run of pages, bright
    // if any of up to four pages sampled in it is resident.
    private static void DrawBar(LinearFramebuffer screen, PageTable table, Mapping m, int x, int y, int width)
    {
        ulong size = m.End - m.Start;
        if (size == 0) return;
        // log2 without libm: the integer part, and the next 8 bits as a linear fraction
        int whole = System.Numerics.BitOperations.Log2(size);
        double log2 = whole + (whole >= 8 ? (size >> (whole - 8) & 0xFF) / 256.0 : 0);
        double scale = (log2 - 12) / (47 - 12);
        int length = Math.Clamp((int)(width * scale), 4, width);
        ulong pages = (size + VirtualAddress.PageSize - 1) / VirtualAddress.PageSize;
        uint bright = screen.Pack(m.Rgb), dark = screen.Pack(m.Rgb >> 2 & 0x3F3F3F);
        for (int c = 0; c < length; c++)
        {
            ulong first = pages * (ulong)c / (ulong)length, last = pages * (ulong)(c + 1) / (ulong)length;
            if (last <= first) last = first + 1;
            bool resident = false;
            ulong step = (last - first + 3) / 4;
            for (ulong p = first; p < last && !resident; p += step)
                resident = table.Translate(new VirtualAddress(m.Start + p * VirtualAddress.PageSize)).Ok;
            screen.Fill(x + c, y, 1, BarHeight, resident ? bright : dark);
        }
    }
}
