using System.Collections.Generic;
using MemOS.Kernel.MemoryManagement;
using MemOS.Kernel.Shell.Commands;
using MemOS.Memory;
using MemOS.Memory.Physical;

namespace MemOS.Kernel.Shell;

/// <summary>
/// What each physical frame holds, for `pmm map` and `pmm map --draw`: the PMM's tag, refined by what its tags cannot
/// say (frames allocated as plain Used that are page tables, heap pages or the zero page). Collected once per map.
/// </summary>
internal sealed class FrameKinds
{
    private readonly KernelMemory _memory;
    private readonly HashSet<ulong> _tables;
    private readonly HashSet<ulong> _heap = new();
    private readonly HashSet<ulong> _cached = new();

    /// <summary>Physical address of the shared zero page.</summary>
    public ulong Zero { get; }

    /// <summary>Frames from address 0 to the end of RAM.</summary>
    public ulong Frames { get; }

    public FrameKinds(KernelMemory m)
    {
        _memory = m;
        _tables = MemoryView.PageTableFrames(m.Physical, m.Space);
        MemoryView.CollectRegionFrames(m.Space, m.HeapRegion, _heap);
        Zero = m.Resolver.ZeroPage.Value;
        var cached = new PhysicalAddress[PhysicalMemoryManager.FrameCacheCapacity];
        int n = m.Pmm.CopyCachedFrames(cached);
        for (int i = 0; i < n; i++) _cached.Add(cached[i].Value);
        Frames = (m.RamEnd + MemoryView.Frame - 1) / MemoryView.Frame;
    }

    /// <summary>A page table of the kernel's address space (and so of the kernel half every process shares).</summary>
    public bool IsKernelTable(ulong address) => _tables.Contains(address);

    /// <summary>A free frame in the PMM's frame cache (free in `pmm map`, a colour of its own when drawn).</summary>
    public bool IsCached(ulong address) => _cached.Contains(address);

    /// <summary>PmmCommand's kind (KindFree … KindAbsent) of the frame at <paramref name="address"/>.</summary>
    public int Of(ulong address)
    {
        if (address == Zero) return PmmCommand.KindZero;
        if (_tables.Contains(address)) return PmmCommand.KindTable;
        if (_heap.Contains(address)) return PmmCommand.KindHeap;
        return _memory.Pmm.UsageOf(new PhysicalAddress(address)) switch
        {
            FrameUsage.Free => PmmCommand.KindFree,
            FrameUsage.Used => PmmCommand.KindUsed,
            FrameUsage.Reserved => PmmCommand.KindReserved,
            FrameUsage.Kernel => PmmCommand.KindKernel,
            FrameUsage.PageTable => PmmCommand.KindTable,
            FrameUsage.Heap => PmmCommand.KindHeap,
            FrameUsage.Zero => PmmCommand.KindZero,
            _ => PmmCommand.KindAbsent,
        };
    }
}
