using System;
using MemOS.Core;
using MemOS.Kernel.Hardware;
using MemOS.Kernel.MemoryManagement;

namespace MemOS.Kernel.Shell.Commands;

/// <summary>
/// gc: runs the collector over the kernel heap now and says what it freed and what the pause cost; the resident heapd
/// (if running) collects and trims its own heap in ring 3.
/// </summary>
internal sealed class GcCommand : Command
{
    public override string Name => "gc";
    public override string Usage => "gc [--live N]";

    /// <summary>Most objects `gc --live` builds (about 40 B each).</summary>
    public const int MaxLive = 200_000;

    private sealed class Link(Link? next) { public Link? Next = next; }
    public override string Description
        => "collect garbage in the kernel heap now (it also runs by itself between commands)";
    public override string Details =>
        "  A mostly precise mark-and-sweep: objects are traced through their types' GC layouts (a string or\n" +
        "  byte[] is not read), statics and handles are exact roots, the live stacks are scanned conservatively.\n" +
        "  The pause is in TSC ticks (instructions under QEMU -icount shift=0). It runs by itself after a command\n" +
        "  once " +
        $"{GarbageCollection.Threshold / (1024 * 1024)} MiB\n" +
        "  of objects were allocated since the last collection. The kernel heap is then trimmed: cached empty\n" +
        "  slabs, the inner pages of free blocks and the free pages at its end go back to the PMM. The resident\n" +
        "  heapd (alloc --user) is asked to do the same in its own heap: collect, trim, unmap.\n" +
        $"  --live N (1..{MaxLive}): first build N linked objects and hold them through the collection, to measure\n" +
        "  the pause against the live set; they are let go and collected after.\n" +
        "  example: gc --live 10000";

    public override void Execute(Shell shell, Arguments args)
    {
        if (!args.TakeOption("--live", out string? liveText))
        {
            Shell.UsageError(this, "--live needs a number of objects");
            return;
        }
        if (RefuseArguments(args)) return;
        int live = 0;
        if (liveText != null && (!int.TryParse(liveText, out live) || live < 1 || live > MaxLive))
        {
            Shell.UsageError(this, $"--live must be 1..{MaxLive}, not '{Shell.Printable(liveText)}'");
            return;
        }
        if (shell.Session.RequireMemory(this) is not { } m) return;
        if (live > 0)
        {
            Link? chain = null;
            for (int i = 0; i < live; i++) chain = new Link(chain);
            GarbageCollection.Collect();
            ulong held = GarbageCollection.LastCycles;
            long slots = GarbageCollection.Last.SlotsTraced;
            GC.KeepAlive(chain);
            Console.WriteLine($"gc: holding {live} more live objects: pause {held} ticks, "
                + $"{slots} reference slots traced, "
                + $"{GarbageCollection.Last.ObjectsBefore - GarbageCollection.Last.ObjectsFreed} live");
            chain = null;
        }
        ulong usedBefore = m.Heap.Statistics().UsedBytes;
        GarbageCollection.Collect();
        MarkSweepCollector.Result r = GarbageCollection.Last;
        ulong usedAfter = m.Heap.Statistics().UsedBytes;
        ulong us = Timer.TscPerSecond == 0 ? 0 : GarbageCollection.LastCycles * 1_000_000 / Timer.TscPerSecond;
        Console.WriteLine($"gc: {r.ObjectsBefore} objects, {r.ObjectsFreed} freed ({Format.Size(r.BytesFreed)}), "
            + $"{r.ObjectsBefore - r.ObjectsFreed} live; kernel heap used {Format.Size(usedBefore)} -> "
            + $"{Format.Size(usedAfter)}; {us / 1000}.{us % 1000:000} ms");
        Console.WriteLine($"gc: pause {GarbageCollection.LastCycles} ticks; {r.SlotsTraced} reference slots traced, "
            + $"{r.HandlesCleared} weak handles cleared, "
            + $"mark stack {r.MarkStackDepth}/{MarkSweepCollector.MarkStackCapacity}"
            + (r.MarkStackOverflowed ? " (overflowed: rescanned)" : ""));
        Console.WriteLine($"gc: {MarkSweepCollector.Collections} collections so far, "
            + $"{Format.Size(MarkSweepCollector.TotalFreedBytes)} freed in all");
        string heapd = "";
        if (HeapServer.Resident is { } p)
        {
            ulong before = p.ResidentPages;
            Processes.ServiceRequest? t = HeapServer.Send(this, p, Processes.ServiceOp.Trim);
            ulong after = p.ResidentPages;
            if (t != null)
                heapd = $"{p.Name} (pid {p.Pid}) {after} pages resident ({before - Math.Min(before, after)} given back"
                    + (t.Text.Length > 0 ? $": {t.Text.TrimEnd('\n')}" : "") + "); ";
        }
        Console.WriteLine($"gc: heaps trimmed: kernel heap {m.HeapRegion.ResidentPages} pages resident; {heapd}"
            + $"{m.Pmm.FreeFrameCount} frames free");
    }
}
