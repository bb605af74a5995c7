using System;
using MemOS.Core;
using MemOS.Kernel.Hardware;
using MemOS.Kernel.MemoryManagement;

namespace MemOS.Kernel.Shell.Commands;

/// <summary>
/// gc: runs the conservative collector over the kernel heap now and says what it freed; the resident heapd (if
/// running) collects and trims its own heap in ring 3.
/// </summary>
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
        "  of objects were allocated since the last collection. The kernel heap is then trimmed: cached empty\n" +
        "  slabs, the inner pages of free blocks and the free pages at its end go back to the PMM. The resident\n" +
        "  heapd (alloc --user) is asked to do the same in its own heap: collect, trim, unmap.";

    public override void Execute(Shell shell, Arguments args)
    {
        if (RefuseArguments(args)) return;
        if (shell.Session.RequireMemory(this) is not { } m) return;
        ulong usedBefore = m.Heap.Statistics().UsedBytes;
        ConservativeCollector.Result r = GarbageCollection.Collect();
        ulong usedAfter = m.Heap.Statistics().UsedBytes;
        ulong us = Timer.TscPerSecond == 0 ? 0 : GarbageCollection.LastCycles * 1_000_000 / Timer.TscPerSecond;
        Console.WriteLine($"gc: {r.ObjectsBefore} objects, {r.ObjectsFreed} freed ({Format.Size(r.BytesFreed)}), "
            + $"{r.ObjectsBefore - r.ObjectsFreed} live; kernel heap used {Format.Size(usedBefore)} -> "
            + $"{Format.Size(usedAfter)}; {us / 1000}.{us % 1000:000} ms");
        Console.WriteLine($"gc: {ConservativeCollector.Collections} collections so far, "
            + $"{Format.Size(ConservativeCollector.TotalFreedBytes)} freed in all");
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
