using System;
using System.Collections.Generic;
using MemOS.Kernel.Hardware;
using MemOS.Kernel.MemoryManagement;
using MemOS.Kernel.Shell.Commands;
using MemOS.Kernel.TextConsole;

namespace MemOS.Kernel.Shell;

/// <summary>
/// `pmm map --draw`: physical memory as pixels on the framebuffer, one square block per frame (or per few frames when
/// RAM is large), coloured by what the frame holds (each live process's frames and page tables in a colour of its
/// own, the PMM's frame cache apart from the buddy's free frames), addresses
/// down the left, a legend with frame counts below. It is redrawn every second (background processes allocate
/// meanwhile) until a key is pressed; then the console returns.
/// </summary>
internal static class MemoryPicture
{
    public const long RedrawNanoseconds = 1_000_000_000;
    private const int Top = 32, LabelWidth = 96, Margin = 8, LegendHeight = 56;

    /// <summary>0xRRGGBB per kind, in PmmCommand's kind order: free, used, reserved, kernel, page table, heap, zero
    /// page, no RAM; then the picture's own: the frame cache.</summary>
    public static readonly uint[] KindRgb = [0x1E6E1E, 0xD2B428, 0x8C1C1C, 0x3C78FF, 0xE040E0, 0x40E0C0, 0xFFFFFF,
        0x303030, 0x70E070];
    private static readonly string[] KindNames =
        ["free", "used", "reserved", "kernel image", "page table", "heap", "zero page", "no RAM", "frame cache"];
    /// <summary>Kind of a free frame in the PMM's frame cache (`pmm map` counts it as free).</summary>
    public const int KindCache = 8;
    /// <summary>0xRRGGBB of the frames of the first live processes, each its own (kinds 9 and up).</summary>
    public static readonly uint[] ProcessRgb = [0xFF8C00, 0xFF5080, 0xA0FF40, 0x00C0FF, 0xC080FF, 0xFFFF80];
    private const int Kinds = 9, PmmKinds = 8;
    public const uint Background = 0x000000, Text = 0xC0C0C0;

    /// <summary>Shows the picture until a key; false (nothing drawn) when the console has no framebuffer.</summary>
    public static bool Draw(KernelMemory m) => ShowUntilKey("pmm map --draw", screen => Paint(screen, m));

    /// <summary>
    /// Gives the framebuffer to a picture: `paint` draws it (and returns a line about it), again every second, until a
    /// key; then the console comes back. False (nothing drawn) when the console has no framebuffer.
    /// </summary>
    public static bool ShowUntilKey(string command, Func<LinearFramebuffer, string> paint)
    {
        FramebufferConsole? console = DisplaySetup.Framebuffer;
        if (console == null) return false;
        console.Suspend();
        console.Screen.Fill(0, 0, console.Screen.Width, console.Screen.Height, console.Screen.Pack(Background));
        long last = 0;
        bool first = true;
        while (true)
        {
            if (Timer.Nanoseconds() - last >= RedrawNanoseconds)
            {
                string about = paint(console.Screen);
                last = Timer.Nanoseconds();
                // said after the first picture is complete (on serial; the screen's text waits in the shadow)
                if (first) Console.WriteLine($"{command}: {about}; redrawn every second, press a key to return");
                first = false;
            }
            if (Terminal.TryReadKey(out _)) break;
            if (Processes.Scheduler.IsInitialized) Processes.Scheduler.Idle();
            else Cpu.WaitForInterrupt();
        }
        console.Resume();
        return true;
    }

    private static uint Rgb(int kind) => kind < Kinds ? KindRgb[kind] : ProcessRgb[kind - Kinds];

    // The zero page first, then the process owning most of the block's frames, then PmmCommand's order.
    private static int Notable(Span<int> counts)
    {
        if (counts[PmmCommand.KindZero] > 0) return PmmCommand.KindZero;
        int best = -1;
        for (int k = Kinds; k < counts.Length; k++)
            if (counts[k] > 0 && (best < 0 || counts[k] > counts[best])) best = k;
        if (best >= 0) return best;
        // PmmCommand's order for its kinds; a cached frame is notable over the free ones around it
        int kind = PmmCommand.Notable(counts[..PmmKinds]);
        return kind == PmmCommand.KindFree && counts[KindCache] > 0 ? KindCache : kind;
    }

    /// <summary>Block size and frames per block for `frames` frames in the grid.</summary>
    public static (int Block, ulong PerBlock, int Columns) Layout(int gridWidth, int gridHeight, ulong frames)
    {
        foreach (int block in (ReadOnlySpan<int>)[8, 6, 4, 3, 2])
        {
            ulong capacity = (ulong)(gridWidth / block) * (ulong)(gridHeight / block);
            if (capacity >= frames) return (block, 1, gridWidth / block);
        }
        ulong pixels = (ulong)gridWidth * (ulong)gridHeight;
        return (1, (frames + pixels - 1) / pixels, gridWidth);
    }

    // Draws the picture; returns its geometry for the serial line (tests find blocks by it).
    private static string Paint(LinearFramebuffer screen, KernelMemory m)
    {
        var kinds = new FrameKinds(m);
        ulong frames = kinds.Frames;
        // frames mapped in a live process's regions (its image, heap, stack, mmaps) are that process's, and so are the
        // page tables of its user half (the kernel half's tables are shared: they stay the kernel's)
        var owners = new Dictionary<ulong, int>();
        var names = new List<string>(KindNames);
        foreach (Processes.Process p in Processes.Scheduler.Tasks)
        {
            if (p.IsKernelTask || p.State == Processes.ProcessState.Zombie || names.Count == Kinds + ProcessRgb.Length)
                continue;
            var own = new HashSet<ulong>();
            var regions = new List<Memory.Virtual.Region>(p.Space.RegionCount);
            foreach (Memory.Virtual.Region r in p.Space.Regions) regions.Add(r);
            foreach (Memory.Virtual.Region r in regions) MemoryView.CollectRegionFrames(p.Space, r, own);
            foreach (ulong t in MemoryView.PageTableFrames(m.Physical, p.Space))
                if (!kinds.IsKernelTable(t)) own.Add(t);
            foreach (ulong f in own) owners.TryAdd(f, names.Count);
            names.Add($"pid {p.Pid} {p.Name}");
        }

        int gridWidth = screen.Width - LabelWidth - Margin, gridHeight = screen.Height - Top - LegendHeight;
        (int block, ulong perBlock, int columns) = Layout(gridWidth, gridHeight, frames);
        // redrawn in place (no clearing first): a redraw never shows a half-empty picture
        PixelText.Draw(screen, Margin, Margin, $"physical memory 0x0-{Format.Hex(frames * MemoryView.Frame)}: "
            + $"{frames} frames, one block of {block}x{block} pixels = {perBlock} frame(s) "
            + $"({Format.Size(perBlock * MemoryView.Frame)})", Text, Background);

        Span<int> counts = stackalloc int[Kinds + ProcessRgb.Length];
        Span<ulong> totals = stackalloc ulong[Kinds + ProcessRgb.Length];
        ulong blocks = (frames + perBlock - 1) / perBlock;
        int labelEvery = Math.Max(1, 48 / block);
        for (ulong b = 0; b < blocks; b++)
        {
            int row = (int)(b / (ulong)columns), column = (int)(b % (ulong)columns);
            ulong first = b * perBlock, last = Math.Min(first + perBlock, frames);
            counts.Clear();
            for (ulong f = first; f < last; f++)
            {
                ulong address = f * MemoryView.Frame;
                int of = address != kinds.Zero && owners.TryGetValue(address, out int owner) ? owner
                    : kinds.Of(address);
                if (of == PmmCommand.KindFree && kinds.IsCached(address)) of = KindCache;
                counts[of]++;
            }
            for (int k = 0; k < counts.Length; k++) totals[k] += (ulong)counts[k];
            int kind = Notable(counts);
            int x = LabelWidth + column * block, y = Top + row * block;
            // blocks of 3+ pixels keep a one-pixel gap so single frames stay countable
            int size = block >= 3 ? block - 1 : block;
            screen.Fill(x, y, size, size, screen.Pack(Rgb(kind)));
            if (column == 0 && row % labelEvery == 0)
                PixelText.Draw(screen, 0, y, Format.PadLeft(Format.Hex(first * MemoryView.Frame), 11), Text,
                    Background);
        }

        int lx = Margin, ly = screen.Height - LegendHeight + 12;
        screen.Fill(0, ly, screen.Width, screen.Height - ly, screen.Pack(Background));
        for (int k = 0; k < names.Count; k++)
        {
            string label = $"{names[k]} {totals[k]}";
            if (lx + 20 + label.Length * ConsoleFont.Width > screen.Width - Margin)
            {
                lx = Margin;
                ly += ConsoleFont.Height + 4;
            }
            screen.Fill(lx, ly + 2, 12, 12, screen.Pack(Rgb(k)));
            lx = PixelText.Draw(screen, lx + 18, ly, label, Text, Background) + 24;
        }
        return $"{frames} frames as {block}x{block}-pixel blocks of {perBlock} frame(s), {columns} per row from "
            + $"({LabelWidth},{Top})";
    }
}
