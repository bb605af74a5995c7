using System;
using MemOS.Core;
using MemOS.Kernel.Hardware;
using MemOS.Kernel.MemoryManagement;

namespace MemOS.Kernel.Shell.Commands;

/// <summary>gc: runs the conservative collector over the kernel heap now and says what it freed.</summary>
internal sealed class GcCommand : Command
{
    public override string Name => "gc";
    public override string Usage => "gc";
    public override string Description
        => "collect garbage in the kernel heap now (it also runs by itself between commands)";
    public override string Details =>
        $"  A conservative mark-and-sweep: roots are the kernel's data and bss, the live stack and the early block;\n" +
        "  every word that points into an object keeps it. It runs by itself after a command once " +
        $"{GarbageCollection.Threshold / (1024 * 1024)} MiB\n" +
        "  of objects were allocated since the last collection. Both heaps are then trimmed: cached empty slabs,\n" +
        "  the inner pages of free blocks and the free pages at their ends go back to the PMM.";

    public override void Execute(Shell shell, Arguments args)
    {
        if (RefuseArguments(args)) return;
        if (shell.Session.RequireMemory(this) is not { } m) return;
        ulong usedBefore = m.Heap.Statistics().UsedBytes;
        MarkSweepCollector.Result r = GarbageCollection.Collect();
        ulong usedAfter = m.Heap.Statistics().UsedBytes;
        // The user heap has no collector, but its cached empty slabs and free pages go back too.
        ulong userResident = m.UserHeapRegion.ResidentPages;
        m.UserHeap.Trim();
        ulong us = Timer.TscPerSecond == 0 ? 0 : GarbageCollection.LastCycles * 1_000_000 / Timer.TscPerSecond;
        Console.WriteLine($"gc: {r.ObjectsBefore} objects, {r.ObjectsFreed} freed ({Format.Size(r.BytesFreed)}), "
            + $"{r.ObjectsBefore - r.ObjectsFreed} live; kernel heap used {Format.Size(usedBefore)} -> "
            + $"{Format.Size(usedAfter)}; {us / 1000}.{us % 1000:000} ms");
        Console.WriteLine($"gc: {MarkSweepCollector.Collections} collections so far, "
            + $"{Format.Size(MarkSweepCollector.TotalFreedBytes)} freed in all");
        ulong returned = userResident - Math.Min(userResident, m.UserHeapRegion.ResidentPages);
        Console.WriteLine($"gc: heaps trimmed: kernel heap {m.HeapRegion.ResidentPages} pages resident, user heap "
            + $"{m.UserHeapRegion.ResidentPages} ({returned} given back); {m.Pmm.FreeFrameCount} frames free");
    }
}
