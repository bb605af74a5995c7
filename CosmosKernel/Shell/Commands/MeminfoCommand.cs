using System;
using MemOS.Kernel.MemoryManagement;
using MemOS.Memory;
using MemOS.Memory.Heap;
using MemOS.Memory.Physical;
using MemOS.Memory.Virtual;

namespace MemOS.Kernel.Shell.Commands;

/// <summary>
/// meminfo: the whole memory picture on one screen: frames, the kernel heap, page tables, the zero page, faults, the
/// backing policy, and each process's resident pages (a process's heap is its own: `heap --user`/`--pid N`).
/// </summary>
internal sealed class MeminfoCommand : Command
{
    public override string Name => "meminfo";
    public override string Usage => "meminfo";
    public override string Description
        => "physical frames, kernel heap, page tables, zero page, faults, backing mode, processes";
    public override string Details =>
        "  Frames are 4 KiB. 'used' frames are allocated by the PMM; 'reserved' frames sit inside its zones but are " +
        "never\n" +
        "  handed out (first MiB, kernel image, boot page tables, holes). The kernel heap also serves every managed " +
        "`new`,\n" +
        "  so its numbers move while you look at them (and `gc` gives dead objects back).\n" +
        "  example: meminfo";

    public override void Execute(Shell shell, Arguments args)
    {
        if (RefuseArguments(args)) return;
        KernelMemory? m = shell.Session.RequireMemory(this);
        if (m == null) return;
        AddressSpace space = shell.Session.Space;

        // Read everything first, then print: printing allocates in the kernel heap. The page-table walk allocates
        // too, so it goes first; free frames and the heaps' resident pages are then read at one moment.
        int tables = MemoryView.PageTableFrames(m.Physical, space).Count;
        PhysicalMemoryStatistics p = m.Pmm.Statistics;
        ulong kernelResident = m.HeapRegion.ResidentPages;
        HeapStatistics k = m.Heap.Statistics();
        int zeroRefs = m.Pmm.ReferenceCount(m.Resolver.ZeroPage);
        var faults = m.Resolver.Statistics;

        Console.WriteLine($"physical: total {p.TotalFrames} frames ({MemoryView.MiB(p.TotalFrames)} MiB), "
            + $"usable {p.UsableFrames}, free {p.FreeFrames} frames ({MemoryView.MiB(p.FreeFrames)} MiB), "
            + $"used {p.UsedFrames} frames ({MemoryView.MiB(p.UsedFrames)} MiB), "
            + $"reserved {p.ReservedFrames} frames ({MemoryView.MiB(p.ReservedFrames)} MiB)");
        // Resident pages are the frames a heap holds: free pages inside it go back (decommit) without shrinking it.
        Console.WriteLine(HeapLine("kernel heap", k) + $", {kernelResident} pages resident");
        Console.WriteLine($"page tables: {tables} frames ({Format.Size((ulong)tables * MemoryView.Frame)}) "
            + $"reachable from the PML4 at {Format.Hex(space.PageTable.Root.Value)}");
        Console.WriteLine($"zero page: {Format.Hex(m.Resolver.ZeroPage.Value)}, {Math.Max(0, zeroRefs - 1)} sharers");
        Console.WriteLine(MemoryView.FaultSummary(faults));
        Console.WriteLine($"backing: {MemoryView.Backing(space)} (new regions and heap growth)");
        Console.WriteLine("managed new -> kernel heap");
        foreach (Processes.Process proc in Processes.Scheduler.Tasks)
            if (!proc.IsKernelTask && proc.State != Processes.ProcessState.Zombie)
                Console.WriteLine($"process {proc.Pid} ({proc.Name}): {proc.ResidentPages} resident pages "
                    + $"({Format.Size(proc.ResidentPages * MemoryView.Frame)}), {proc.MappedPages} mapped, "
                    + $"heap {Format.Size(proc.Break - proc.BreakStart)}, "
                    + $"{proc.PageFaults} faults");
    }

    public static string HeapLine(string name, HeapStatistics s)
        => $"{name}: size {s.HeapSize} B ({Format.Size(s.HeapSize)}), used {s.UsedBytes} B, free {s.FreeBytes} B, "
            + $"overhead {s.OverheadBytes} B, {s.LiveAllocations} live allocations";
}
