using System.Collections.Generic;
using MemOS.Kernel.MemoryManagement;
using MemOS.Memory;
using MemOS.Memory.Faults;
using MemOS.Memory.Heap;
using MemOS.Memory.Virtual;

namespace MemOS.Kernel.Tests;

/// <summary>
/// Out of memory (booted with -m 64M): the PMM, the heap and demand paging each run dry, fail cleanly with an error
/// (never a hang or a panic), and after freeing everything the same requests succeed again. Between exhaustion and
/// the frees nothing allocates managed memory: the bookkeeping arrays are made first.
/// </summary>
internal static class OutOfMemorySuite
{
    private const ulong Area = KernelLayout.KernelVirtualArea + 0x2_0000_0000;

    public static List<KernelTest> Tests() =>
    [
        new("pmm_runs_dry_then_recovers", PmmRunsDry),
        new("heap_fails_cleanly_then_recovers", HeapFailsCleanly),
        new("demand_paging_refuses_then_recovers", DemandPagingRefuses),
    ];

    private static KernelMemory M => KernelMemory.Current!;

    private static string? PmmRunsDry()
    {
        var frames = new PhysicalAddress[M.Pmm.FreeFrameCount + 64]; // made first: it may grow the kernel heap
        // warm up the exact path once, so nothing lazy (a first call, a class constructor) allocates during the count
        if (M.Pmm.AllocateFrame() is { Ok: true } warm) M.Pmm.FreeFrame(warm.Value);
        ulong kernelHeap = M.HeapRegion.ResidentPages;
        ulong before = M.Pmm.FreeFrameCount;
        ulong n = 0;
        MemoryError last = MemoryError.None;
        while (n < (ulong)frames.Length)
        {
            Result<PhysicalAddress> r = M.Pmm.AllocateFrame();
            if (!r.Ok) { last = r.Error; break; }
            frames[n++] = r.Value;
        }
        ulong leftAtExhaustion = M.Pmm.FreeFrameCount;
        for (ulong i = 0; i < n; i++) M.Pmm.FreeFrame(frames[i]);
        ulong grown = M.HeapRegion.ResidentPages - kernelHeap;
        if (last != MemoryError.OutOfMemory)
            return "the PMM stopped with " + last.Name() + $" after {n} frames, expected OutOfMemory";
        if (leftAtExhaustion != 0) return $"the PMM refused with {leftAtExhaustion} frames still counted free";
        if (n + grown != before) return $"{n} frames handed out (+{grown} to the kernel heap), but {before} were free";
        if (M.Pmm.FreeFrameCount + grown != before)
            return $"{M.Pmm.FreeFrameCount} free frames after freeing, expected {before - grown}";
        return M.Pmm.AllocateFrame() is { Ok: true } again && M.Pmm.FreeFrame(again.Value) == MemoryError.None ? null
            : "no frame after recovery";
    }

    private static string? HeapFailsCleanly()
    {
        var live = new ulong[1024];
        RegionBacking saved = M.Space.DefaultBacking;
        M.Space.SetDefaultBacking(RegionBacking.Immediate);
        Region region = M.Space.CreateRegion("oom heap", 0, RegionFlags.Read | RegionFlags.Write,
            RegionPlacement.Fixed(new VirtualAddress(Area)), RegionBacking.Immediate).Value;
        var heap = new KernelHeap(null, new RegionHeapBacking(M.Space, region), new VirtualAddress(Area), 1UL << 30);
        ulong free = M.Pmm.FreeFrameCount;
        int count = 0;
        MemoryError failure = MemoryError.None;
        while (count < live.Length)
        {
            Result<VirtualAddress> r = heap.Allocate(1024 * 1024);
            if (!r.Ok) { failure = r.Error; break; }
            live[count++] = r.Value.Value;
        }
        int got = count;
        for (int i = 0; i < count; i++) heap.Free(new VirtualAddress(live[i]));
        heap.Trim();
        Result<VirtualAddress> again = heap.Allocate(1024 * 1024);
        bool recovered = again.Ok && heap.Free(again.Value) == MemoryError.None;
        MemoryError check = heap.Check();
        M.Space.FreeRegion(region);
        M.Space.SetDefaultBacking(saved);
        if (failure != MemoryError.OutOfMemory)
            return "allocation stopped with " + failure.Name() + $" after {got} MiB, expected OutOfMemory";
        if (got == 0 || (ulong)got * 256 > free) return $"{got} MiB allocated from {free} free frames";
        if (check != MemoryError.None) return "heap check after the failure: " + check.Name();
        return recovered ? null : "allocating again after freeing failed";
    }

    private static string? DemandPagingRefuses()
    {
        ulong before = M.Pmm.FreeFrameCount;
        ulong pages = before + 64;
        Region region = M.Space.CreateRegion("oom demand", pages * 4096, RegionFlags.Read | RegionFlags.Write,
            RegionPlacement.FirstFit(new VirtualAddress(Area + 0x1_0000_0000),
                new VirtualAddress(Area + 0x2_0000_0000)), RegionBacking.Demand).Value;
        ulong touched = 0;
        bool refused = false;
        for (; touched < pages; touched++)
        {
            if (!SafeAccess.TryWrite8(region.Base.Value + touched * 4096, 1)) { refused = true; break; }
        }
        FaultOutcome why = PageFaultHandler.LastResolution.Outcome;
        M.Space.FreeRegion(region);
        if (!refused) return $"touched {touched} pages of {before} free frames without a refusal";
        if (why != FaultOutcome.OutOfMemory) return $"refused as {why.Describe()}, expected out of memory";
        if (M.Pmm.FreeFrameCount != before)
            return $"{M.Pmm.FreeFrameCount} free frames after freeing the region, expected {before}";
        Region again = M.Space.CreateRegion("oom again", 4096, RegionFlags.Read | RegionFlags.Write,
            RegionPlacement.FirstFit(new VirtualAddress(Area + 0x1_0000_0000),
                new VirtualAddress(Area + 0x2_0000_0000)), RegionBacking.Demand).Value;
        bool ok = SafeAccess.TryWrite8(again.Base.Value, 1);
        M.Space.FreeRegion(again);
        return ok ? null : "a touch after recovery was refused";
    }
}
