using System;
using System.Collections.Generic;
using System.Numerics;
using MemOS.Kernel.MemoryManagement;
using MemOS.Kernel.TextConsole;
using MemOS.Memory;
using MemOS.Memory.Physical;

namespace MemOS.Kernel.Shell.Commands;

/// <summary>
/// pmm: the physical memory manager: counters and free blocks per buddy order; `pmm map` draws RAM as a grid;
/// `pmm alloc`/`pmm free` take frames by hand (the session's HandFrames remembers which). Only frames `pmm alloc`
/// handed out can be freed here: freeing a frame the kernel uses would corrupt it, so that is refused.
/// </summary>
internal sealed class PmmCommand : Command
{
    private const int MaxAlloc = 1024, MapRows = 16, DefaultWidth = 64, MinWidth = 8, AddressesPerLine = 8;

    public override string Name => "pmm";
    public override string Usage => "pmm [map [WIDTH] | map --draw | alloc [N] | free ADDR]";
    public override string Description
        => "physical memory manager: statistics, free blocks per order, a map of RAM, frames by hand";
    public override string Details =>
        "pmm              counters, free blocks per buddy order (0..10), the frame cache (single frames kept\n" +
        "                 outside the buddy, refilled and drained in batches), fragmentation index, metadata size\n" +
        "pmm map [WIDTH]  RAM as a grid, WIDTH characters per row (8..64, default 64), 16 rows; each character " +
        "is\n" +
        "                 one chunk of frames showing its most notable kind:\n" +
        "                 . free  # used  R reserved  K kernel  P page table  H heap  Z zero page  (blank) no RAM\n" +
        "pmm map --draw   the same on the framebuffer, one block of pixels per frame (or per few frames), with a " +
        "legend;\n" +
        "                 redrawn every second (processes running in the background show), until a key is pressed\n" +
        "pmm alloc [N]    N frames (1..1024, default 1): a power of two is one contiguous run " +
        "(AllocateContiguous),\n" +
        "                 otherwise N single frames; prints their addresses (never the kernel's reserve)\n" +
        "pmm free ADDR    frees one frame that `pmm alloc` gave (a run returns to the PMM when all its frames are " +
        "freed)\n" +
        "examples: pmm   pmm map 32   pmm map --draw   pmm alloc 4   pmm free 0x2000000";

    public override void Execute(Shell shell, Arguments args)
    {
        bool draw = args.TakeFlag("--draw");
        string? unknown = args.UnknownOption();
        if (unknown != null) { Shell.UsageError(this, $"unknown option '{Shell.Printable(unknown)}'"); return; }
        string sub = args[0];
        if (args.Count == 0)
        {
            if (shell.Session.RequireMemory(this) is KernelMemory m0) Statistics(m0);
            return;
        }
        if (sub == "map" && draw)
        {
            if (args.Count > 1) { Shell.UsageError(this, "map --draw takes no width"); return; }
            if (shell.Session.RequireMemory(this) is not KernelMemory md) return;
            if (MemoryPicture.Draw(md)) return;
            Console.WriteLine("pmm map --draw: no framebuffer on this console (VGA text or serial): the character "
                + "grid instead");
        }
        if (sub == "map") { Map(shell.Session, args); return; }
        if (sub == "alloc") { Alloc(shell.Session, args); return; }
        if (sub == "free") { Free(shell.Session, args); return; }
        Shell.UsageError(this, $"unknown subcommand '{Shell.Printable(sub)}'");
    }

    private static void Statistics(KernelMemory m)
    {
        PhysicalMemoryStatistics s = m.Pmm.Statistics;
        Console.WriteLine($"pmm: total {s.TotalFrames} frames ({MemoryView.MiB(s.TotalFrames)} MiB), "
            + $"usable {s.UsableFrames}, free {s.FreeFrames}, used {s.UsedFrames}, reserved {s.ReservedFrames}");
        Console.WriteLine("free blocks per order:");
        for (int order = 0; order <= PhysicalMemoryManager.MaxOrder; order++)
        {
            ulong blocks = s.FreeBlocks(order);
            string size = Format.Pad("(" + Format.Size(MemoryView.Frame << order) + ")", 10);
            Console.WriteLine($"  order {Format.PadLeft(order.ToString(), 2)} {size} "
                + $"{Format.PadLeft(blocks.ToString(), 8)} blocks  "
                + $"{Format.PadLeft((blocks << order).ToString(), 8)} frames");
        }
        Console.WriteLine($"frame cache: {s.Cache.Frames} of {PhysicalMemoryManager.FrameCacheCapacity} frames "
            + $"(counted in order 0), {s.Cache.Refills} refills, {s.Cache.Drains} drains, "
            + $"{PhysicalMemoryManager.FrameCacheBatch} frames each");
        string largest = s.LargestFreeOrder < 0 ? "nothing free" : $"largest free order {s.LargestFreeOrder}";
        Console.WriteLine($"fragmentation index: {s.FragmentationIndex:0.000} ({largest})");
        Console.WriteLine($"kernel reserve: {m.Pmm.ReserveFrames} frames (user memory and `pmm alloc` stop there); "
            + $"commit charge: {m.Pmm.ChargedFrames} frames (kept for committed demand pages)");
        ulong ram = s.TotalFrames * MemoryView.Frame;
        double percent = ram == 0 ? 0 : 100.0 * s.MetadataBytes / ram;
        Console.WriteLine($"metadata: {s.MetadataBytes} B ({Format.Size(s.MetadataBytes)}), {percent:0.000} % of RAM");
    }

    // ---- pmm map ----

    internal const int KindFree = 0, KindUsed = 1, KindReserved = 2, KindKernel = 3, KindTable = 4, KindHeap = 5,
        KindZero = 6, KindAbsent = 7;
    private const string KindChars = ".#RKPHZ ";
    private static readonly byte[] KindColours = [0x08, 0x0E, 0x04, 0x09, 0x0D, 0x0A, 0x0F, 0x07];

    private void Map(ShellSession session, Arguments args)
    {
        if (args.Count > 2) { Shell.UsageError(this, "map takes at most a width"); return; }
        int width = DefaultWidth;
        if (args.Count == 2)
        {
            if (!Arguments.TryParseNumber(args[1], out ulong w) || w < MinWidth || w > DefaultWidth)
            {
                Shell.UsageError(this, $"width must be {MinWidth}..{DefaultWidth}, not '{Shell.Printable(args[1])}'");
                return;
            }
            width = (int)w;
        }
        KernelMemory? m = session.RequireMemory(this);
        if (m == null) return;

        var kinds = new FrameKinds(m);
        ulong frames = kinds.Frames;
        if (frames == 0) { Console.WriteLine("pmm map: no RAM"); return; }
        ulong cells = (ulong)(MapRows * width);
        ulong perChunk = (frames + cells - 1) / cells;
        ulong rows = (frames + perChunk * (ulong)width - 1) / (perChunk * (ulong)width);
        Console.WriteLine($"pmm map: {Format.Hex(0)}-{Format.Hex(frames * MemoryView.Frame)}, {rows} rows x {width}, "
            + $"one character = {perChunk} frames ({Format.Size(perChunk * MemoryView.Frame)})");
        Console.WriteLine(
            "legend: . free  # used  R reserved  K kernel  P page table  H heap  Z zero page  (blank) no RAM");

        Span<int> counts = stackalloc int[8];
        for (ulong row = 0; row < rows; row++)
        {
            ulong rowStart = row * (ulong)width * perChunk;
            Terminal.Write(Format.PadLeft(Format.Hex(rowStart * MemoryView.Frame), 11) + " ");
            for (int col = 0; col < width; col++)
            {
                ulong first = rowStart + (ulong)col * perChunk;
                if (first >= frames) break;
                counts.Clear();
                ulong last = Math.Min(first + perChunk, frames);
                for (ulong f = first; f < last; f++)
                    counts[kinds.Of(f * MemoryView.Frame)]++;
                int kind = Notable(counts);
                Terminal.Write(KindChars[kind], KindColours[kind]);
            }
            Terminal.ResetColour();
            Terminal.Write('\n');
        }
    }

    // The rare kinds win (one zero page or page table in a chunk is worth seeing), then the majority.
    internal static int Notable(Span<int> counts)
    {
        if (counts[KindZero] > 0) return KindZero;
        if (counts[KindTable] > 0) return KindTable;
        if (counts[KindHeap] > 0) return KindHeap;
        if (counts[KindKernel] > 0) return KindKernel;
        int best = KindFree;
        foreach (int k in (ReadOnlySpan<int>)[KindUsed, KindReserved, KindAbsent])
            if (counts[k] > counts[best]) best = k;
        return best;
    }

    // ---- pmm alloc / free ----

    private void Alloc(ShellSession session, Arguments args)
    {
        if (args.Count > 2) { Shell.UsageError(this, "alloc takes at most a count"); return; }
        ulong n = 1;
        if (args.Count == 2 && (!Arguments.TryParseNumber(args[1], out n) || n == 0 || n > MaxAlloc))
        {
            Shell.UsageError(this, $"count must be 1..{MaxAlloc}, not '{Shell.Printable(args[1])}'");
            return;
        }
        KernelMemory? m = session.RequireMemory(this);
        if (m == null) return;

        var got = new List<ulong>((int)n);
        if (BitOperations.IsPow2(n))
        {
            int order = BitOperations.Log2(n);
            Result<PhysicalAddress> r = m.Pmm.AllocateContiguousOutsideReserve(order, default, FrameUsage.Used);
            if (!r.Ok)
            {
                Console.WriteLine($"pmm alloc: could not allocate {n} contiguous frames ({r.Error.Name()})");
                return;
            }
            ulong head = r.Value.Value;
            session.Frames.AddRun(head, order, (int)n);
            for (ulong i = 0; i < n; i++) got.Add(head + i * MemoryView.Frame);
            Console.WriteLine($"pmm alloc: {n} frame(s), one contiguous run of order {order} at {Format.Hex(head)}");
        }
        else
        {
            for (ulong i = 0; i < n; i++)
            {
                Result<PhysicalAddress> r = m.Pmm.AllocateUserFrame(); // the kernel's reserve is not for the taking
                if (!r.Ok)
                {
                    foreach (ulong f in got) m.Pmm.FreeFrame(new PhysicalAddress(f)); // all or nothing
                    Console.WriteLine($"pmm alloc: out of frames after {i} of {n} ({r.Error.Name()}); none kept");
                    return;
                }
                got.Add(r.Value.Value);
            }
            foreach (ulong f in got) session.Frames.AddRun(f, 0, 1);
            Console.WriteLine($"pmm alloc: {n} frame(s), one at a time");
        }
        for (int i = 0; i < got.Count; i += AddressesPerLine)
        {
            var line = new System.Text.StringBuilder(" ");
            for (int j = i; j < got.Count && j < i + AddressesPerLine; j++) line.Append(' ').Append(Format.Hex(got[j]));
            Console.WriteLine(line.ToString());
        }
    }

    private void Free(ShellSession session, Arguments args)
    {
        if (args.Count != 2)
        {
            Shell.UsageError(this, args.Count < 2 ? "free needs a frame address" : "free takes one address");
            return;
        }
        if (!Arguments.TryParseAddress(args[1], out ulong address))
        {
            Shell.UsageError(this, $"not an address: '{Shell.Printable(args[1])}'");
            return;
        }
        KernelMemory? m = session.RequireMemory(this);
        if (m == null) return;
        string at = Format.Hex(address);
        var frame = new PhysicalAddress(address);

        if (frame.IsFrameAligned && session.Frames.TryRelease(address, out ulong head, out int order, out int held))
        {
            if (held > 0)
            {
                Console.WriteLine($"freed {at} (part of the order-{order} run at {Format.Hex(head)}: it goes back "
                    + $"to the PMM when its other {held} frame(s) are freed)");
                return;
            }
            MemoryError e = order == 0
                ? m.Pmm.FreeFrame(frame)
                : m.Pmm.FreeContiguous(new PhysicalAddress(head), order);
            if (e != MemoryError.None) { Console.WriteLine($"pmm free: {at}: {Explain(e)} ({e.Name()})"); return; }
            Console.WriteLine(order == 0
                ? $"freed {at}"
                : $"freed {at} (last of the order-{order} run at {Format.Hex(head)}: "
                    + $"{1UL << order} frames back in the PMM)");
            return;
        }
        if (frame.IsFrameAligned && session.Frames.WasFreed(address))
        {
            Console.WriteLine($"pmm free: {at}: {Explain(MemoryError.DoubleFree)} ({MemoryError.DoubleFree.Name()})");
            return;
        }
        // Not ours: a frame the kernel holds is refused; anything else lets the PMM name the error (it changes
        // nothing).
        if (frame.IsFrameAligned && m.Pmm.ReferenceCount(frame) > 0)
        {
            Console.WriteLine($"pmm free: {at}: in use by the kernel, not from `pmm alloc` "
                + $"({MemoryError.Conflict.Name()})");
            return;
        }
        MemoryError error = m.Pmm.FreeFrame(frame);
        if (error == MemoryError.None) { Console.WriteLine($"freed {at}"); return; }
        Console.WriteLine($"pmm free: {at}: {Explain(error)} ({error.Name()})");
    }

    private static string Explain(MemoryError e) => e switch
    {
        MemoryError.DoubleFree => "double free: the frame is already free",
        MemoryError.ReservedFrame => "reserved frame, never handed out",
        MemoryError.UnknownFrame => "unknown frame: no RAM there",
        MemoryError.Misaligned => "misaligned: not the start of a 4 KiB frame",
        _ => "cannot free",
    };
}
