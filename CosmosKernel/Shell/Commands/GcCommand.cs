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
    public override string Usage => "gc [--live N] [--types [N]]";

    /// <summary>Most objects `gc --live` builds (about 40 B each).</summary>
    public const int MaxLive = 200_000;

    /// <summary>Types `gc --types` lists at most (and tells apart: the rest are counted together).</summary>
    public const int MaxTypes = 64;

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
        "  --types [N] (1..64, default 20): after the collection, list the live objects by type, the most\n" +
        "  numerous first (count, bytes, type named from the image's symbol table).\n" +
        "  The second pause line breaks the pause down: sorting the object table, marking, the sweep and, within\n" +
        "  it, the heap's frees.\n" +
        "  example: gc --live 10000";

    public override unsafe void Execute(Shell shell, Arguments args)
    {
        if (!args.TakeOption("--live", out string? liveText))
        {
            Shell.UsageError(this, "--live needs a number of objects");
            return;
        }
        int types = 0;
        if (!args.TakeOption("--types", out string? typesText)) types = args.TakeFlag("--types") ? 20 : 0; // last word
        else if (typesText != null && (!int.TryParse(typesText, out types) || types < 1 || types > MaxTypes))
        {
            Shell.UsageError(this, $"--types must be 1..{MaxTypes}, not '{Shell.Printable(typesText)}'");
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
        // The census is taken now into stack arrays: the lines printed below allocate, it must not count them.
        ulong* methodTables = stackalloc ulong[MaxTypes];
        long* counts = stackalloc long[MaxTypes];
        ulong* bytes = stackalloc ulong[MaxTypes];
        long total = MarkSweepCollector.LiveObjects, others = 0;
        int rows = types > 0 ? MarkSweepCollector.Census(methodTables, counts, bytes, MaxTypes, out others) : 0;
        ulong usedAfter = m.Heap.Statistics().UsedBytes;
        ulong us = Timer.TscPerSecond == 0 ? 0 : GarbageCollection.LastCycles * 1_000_000 / Timer.TscPerSecond;
        Console.WriteLine($"gc: {r.ObjectsBefore} objects, {r.ObjectsFreed} freed ({Format.Size(r.BytesFreed)}), "
            + $"{r.ObjectsBefore - r.ObjectsFreed} live; kernel heap used {Format.Size(usedBefore)} -> "
            + $"{Format.Size(usedAfter)}; {us / 1000}.{us % 1000:000} ms");
        Console.WriteLine($"gc: pause {GarbageCollection.LastCycles} ticks; {r.SlotsTraced} reference slots traced, "
            + $"{r.HandlesCleared} weak handles cleared, "
            + $"mark stack {r.MarkStackDepth}/{MarkSweepCollector.MarkStackCapacity}"
            + (r.MarkStackOverflowed ? " (overflowed: rescanned)" : ""));
        MarkSweepCollector.Phases ph = MarkSweepCollector.LastPhases;
        ulong rest = GarbageCollection.LastCycles - ph.Sort - ph.Mark - ph.Sweep, dead = (ulong)r.ObjectsFreed;
        Console.WriteLine($"gc: pause by phase (ticks): sort {ph.Sort}, mark {ph.Mark}, sweep {ph.Sweep} "
            + $"(heap frees {ph.HeapFree}), roots and the rest {rest}"
            + (dead > 0 ? $"; per freed object: sweep {ph.Sweep / dead}, heap free {ph.HeapFree / dead}" : ""));
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
        if (MarkSweepCollector.NestedRequests > 0 || MarkSweepCollector.UntrackedObjects > 0)
            Console.WriteLine($"gc: {MarkSweepCollector.NestedRequests} requests during a collection started none; "
                + $"{MarkSweepCollector.UntrackedObjects} objects born in one found no table slot (never freed)");
        if (types > 0) PrintCensus(types, methodTables, counts, bytes, rows, total, others);
    }

    private static unsafe void PrintCensus(int shown, ulong* methodTables, long* counts, ulong* bytes, int rows,
        long total, long others)
    {
        Console.WriteLine($"gc: {total} live objects by type ({rows} types{(others > 0 ? $", {others} objects of "
            + "further types" : "")}):");
        for (int i = 0; i < rows && i < shown; i++)
        {
            byte* name = Core.Exceptions.SymbolTable.TypeName((void*)methodTables[i]);
            string type = name == null ? $"MethodTable 0x{methodTables[i]:x}" : new string((sbyte*)name);
            Console.WriteLine($"  {counts[i],7} {Format.Size(bytes[i]),10}  {type}");
        }
    }
}
