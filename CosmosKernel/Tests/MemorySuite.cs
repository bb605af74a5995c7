using System;
using System.Collections.Generic;
using MemOS.Kernel.MemoryManagement;
using MemOS.Memory;
using MemOS.Memory.Faults;
using MemOS.Memory.Heap;
using MemOS.Memory.Virtual;

namespace MemOS.Kernel.Tests;

/// <summary>
/// The memory suite on the real MMU: the seed's walkthrough on a fresh heap (demand and immediate), the zero page
/// and copy-on-write, violations refused with their reasons, and a 100,000-operation soak after which every frame is
/// back. Each test works in regions of its own in the kernel virtual area and frees them.
/// </summary>
internal static unsafe class MemorySuite
{
    private const ulong TestArea = KernelLayout.KernelVirtualArea + 0x1_0000_0000;
    private const ulong HeapMax = 64UL * 1024 * 1024;

    public static List<KernelTest> Tests() =>
    [
        new("seed_alloc_5_10_100_one_page_one_fault", SeedWalkthrough),
        new("seed_page_boundary_costs_one_more_page", SeedPageBoundary),
        new("seed_immediate_mode_no_fault", SeedImmediate),
        new("first_touch_maps_the_page_later_touch_does_not_fault", FirstTouch),
        new("zero_page_then_copy_on_write", ZeroPageThenCopyOnWrite),
        new("copy_on_write_of_a_shared_frame_with_data", SharedFrameCopyOnWrite.Run),
        new("violation_write_to_read_only", WriteToReadOnly),
        new("violation_execute_on_nx", ExecuteOnNx, () => M.Cpu.Nx ? null : "the CPU has no NX"),
        new("violation_no_region", NoRegion),
        new("violation_user_page_from_kernel_exec", KernelExecuteOfUser,
            () => KernelProtection.Smep ? null : "the CPU has no SMEP"),
        new("tlb_replace_protect_unmap_of_a_4k_page_seen_at_once", StaleTranslationChecks.FourKiB),
        new("tlb_split_of_a_2m_page_seen_at_once", StaleTranslationChecks.TwoMiBSplit),
        new("soak_100000_operations_returns_every_frame", Soak),
    ];

    private static KernelMemory M => KernelMemory.Current!;

    // A fresh kernel heap in a region of its own, with the given backing for its growth.
    private sealed class TestHeap : IDisposable
    {
        public readonly Region Region;
        public readonly KernelHeap Heap;
        private readonly RegionBacking _saved;

        public TestHeap(RegionBacking backing, ulong offset = 0)
        {
            _saved = M.Space.DefaultBacking;
            M.Space.SetDefaultBacking(backing);
            Region = M.Space.CreateRegion("test heap", 0, RegionFlags.Read | RegionFlags.Write,
                RegionPlacement.Fixed(new VirtualAddress(TestArea + offset)), backing).Value;
            Heap = new KernelHeap(null, new RegionHeapBacking(M.Space, Region), new VirtualAddress(TestArea + offset),
                HeapMax);
        }

        public void Dispose()
        {
            M.Space.FreeRegion(Region);
            M.Space.SetDefaultBacking(_saved);
        }
    }

    private static ulong Alloc(KernelHeap heap, ulong size)
    {
        Result<VirtualAddress> r = heap.Allocate(size);
        return r.Ok ? r.Value.Value : 0;
    }

    private static string? SeedWalkthrough()
    {
        using var t = new TestHeap(RegionBacking.Demand);
        ulong faults = M.Faults.FaultCount;
        ulong a = Alloc(t.Heap, 5), b = Alloc(t.Heap, 10), c = Alloc(t.Heap, 100);
        if (a == 0 || b == 0 || c == 0) return "an allocation failed";
        if (!(a < b && b < c)) return $"addresses not increasing: 0x{a:x} 0x{b:x} 0x{c:x}";
        if (a >> 12 != (c + 99) >> 12) return $"not within one page: 0x{a:x} .. 0x{c + 99:x}";
        if (t.Region.ResidentPages != 1) return $"{t.Region.ResidentPages} frames mapped, expected exactly 1";
        ulong delta = M.Faults.FaultCount - faults;
        return delta == 1 ? null : $"{delta} page faults, expected exactly 1 (the first touch)";
    }

    private static string? SeedPageBoundary()
    {
        using var t = new TestHeap(RegionBacking.Demand);
        ulong first = Alloc(t.Heap, 100);
        if (first == 0) return "alloc 100 failed";
        ulong pagesBefore = t.Region.ResidentPages;
        ulong faults = M.Faults.FaultCount;
        // a block that starts in the mapped page and ends in the next one; using all of it maps exactly one more page
        ulong page = first & ~0xFFFUL;
        ulong size = 3000;
        ulong p = Alloc(t.Heap, size);
        if (p == 0) return "alloc 3000 failed";
        if (p >> 12 != page >> 12 || (p + size - 1) >> 12 != (page >> 12) + 1)
            return $"block 0x{p:x}+{size} does not cross from page 0x{page:x} into the next one";
        for (ulong i = 0; i < size; i++) ((byte*)p)[i] = 0xAB;
        ulong added = t.Region.ResidentPages - pagesBefore, faulted = M.Faults.FaultCount - faults;
        return added == 1 && faulted == 1 ? null
            : $"crossing the boundary mapped {added} page(s) with {faulted} fault(s), expected 1 and 1";
    }

    private static string? SeedImmediate()
    {
        using var t = new TestHeap(RegionBacking.Immediate);
        ulong faults = M.Faults.FaultCount;
        ulong a = Alloc(t.Heap, 5), b = Alloc(t.Heap, 10), c = Alloc(t.Heap, 100);
        if (a == 0 || b == 0 || c == 0) return "an allocation failed";
        for (int i = 0; i < 100; i++) ((byte*)c)[i] = 1;
        ulong delta = M.Faults.FaultCount - faults;
        if (delta != 0) return $"{delta} page faults in immediate mode, expected none";
        return t.Region.ResidentPages * 4096 == t.Region.Length ? null
            : $"immediate region has {t.Region.ResidentPages} resident pages for {t.Region.Length} bytes";
    }

    private static Region DemandRegion(string name, ulong pages,
        RegionFlags flags = RegionFlags.Read | RegionFlags.Write)
        => M.Space.CreateRegion(name, pages * 4096, flags,
            RegionPlacement.FirstFit(new VirtualAddress(TestArea + 0x1000_0000),
                new VirtualAddress(TestArea + 0x2000_0000)), RegionBacking.Demand).Value;

    private static string? FirstTouch()
    {
        Region r = DemandRegion("first touch", 16);
        try
        {
            ulong address = r.Base.Value + 0x10010 % r.Length;
            ulong faults = M.Faults.FaultCount;
            if (!SafeAccess.TryWrite8(address, 7)) return "the first touch was refused";
            if (M.Faults.FaultCount - faults != 1)
                return $"first touch: {M.Faults.FaultCount - faults} faults, expected 1";
            FaultRecord f = M.Faults.FaultsSince(faults)[0];
            if (f.Cr2.Value != address) return $"CR2 was 0x{f.Cr2.Value:x}, expected 0x{address:x}";
            ulong page = address & ~0xFFFUL;
            if (!M.Space.PageTable.Translate(new VirtualAddress(page)).Ok)
                return "the page is not mapped after the fault";
            faults = M.Faults.FaultCount;
            SafeAccess.TryRead8(page + 0xFFF, out _);
            SafeAccess.TryWrite8(page + 0x800, 1);
            return M.Faults.FaultCount == faults ? null : "a later touch inside the page faulted again";
        }
        finally { M.Space.FreeRegion(r); }
    }

    private static string? ZeroPageThenCopyOnWrite()
    {
        Region r = DemandRegion("zero page", 4);
        try
        {
            PhysicalAddress zero = M.Resolver.ZeroPage;
            int sharers = M.Pmm.ReferenceCount(zero);
            long zeroMaps = M.Resolver.Count(FaultOutcome.ZeroPageMapped),
                copies = M.Resolver.Count(FaultOutcome.ZeroPageCopied);
            ulong p0 = r.Base.Value, p1 = r.Base.Value + 4096;
            if (!SafeAccess.TryRead8(p0, out byte v0) || !SafeAccess.TryRead8(p1, out byte v1))
                return "a read was refused";
            if (v0 != 0 || v1 != 0) return "a demand page did not read as zero";
            if (M.Resolver.Count(FaultOutcome.ZeroPageMapped) - zeroMaps != 2)
                return "two reads did not map the zero page twice";
            if (M.Pmm.ReferenceCount(zero) != sharers + 2)
                return $"zero page has {M.Pmm.ReferenceCount(zero)} references, expected {sharers + 2}";
            if (M.Space.PageTable.Translate(new VirtualAddress(p0)).Value != zero)
                return "the read did not share the zero page";
            if (!SafeAccess.TryWrite8(p0, 0x5A)) return "the write was refused";
            if (M.Resolver.Count(FaultOutcome.ZeroPageCopied) - copies != 1)
                return "the write did not copy the zero page";
            if (M.Pmm.ReferenceCount(zero) != sharers + 1) return "the write did not drop its zero-page reference";
            PhysicalAddress own = M.Space.PageTable.Translate(new VirtualAddress(p0)).Value;
            if (own == zero) return "the written page still maps the zero page";
            if (!SafeAccess.TryRead8(p0, out byte back) || back != 0x5A) return "the written value did not stick";
            if (!SafeAccess.TryRead8(p1, out byte still) || still != 0) return "the other page stopped reading zero";
            return null;
        }
        finally { M.Space.FreeRegion(r); }
    }

    private static string? ExpectRefused(bool accessOk, FaultOutcome expected)
    {
        if (accessOk) return "the access was allowed";
        FaultOutcome got = PageFaultHandler.LastResolution.Outcome;
        return got == expected ? null : $"refused as {got.Describe()}, expected {expected.Describe()}";
    }

    private static string? WriteToReadOnly()
        => ExpectRefused(SafeAccess.TryWrite8(M.Image.TextStart + 16, 0x90), FaultOutcome.WriteToReadOnly);

    private static string? ExecuteOnNx()
    {
        PhysicalAddress frame = M.Pmm.AllocateFrame().Value;
        try
        {
            return ExpectRefused(SafeAccess.TryExecuteFaulting(KernelLayout.DirectMapBase + frame.Value),
                FaultOutcome.ExecuteOnNoExecute);
        }
        finally { M.Pmm.FreeFrame(frame); }
    }

    private static string? NoRegion()
        => ExpectRefused(SafeAccess.TryRead8(TestArea + 0x7000_0000, out _), FaultOutcome.NoRegion);

    private static string? KernelExecuteOfUser()
    {
        Region r = M.Space.CreateRegion("user code", 4096, RegionFlags.Read | RegionFlags.Execute | RegionFlags.User,
            RegionPlacement.FirstFit(new VirtualAddress(KernelLayout.UserRegionsBase),
                new VirtualAddress(KernelLayout.UserRegionsBase + 0x1000_0000)), RegionBacking.Demand).Value;
        try { return ExpectRefused(SafeAccess.TryExecuteFaulting(r.Base.Value), FaultOutcome.KernelExecuteOfUser); }
        finally { M.Space.FreeRegion(r); }
    }

    // 100,000 mixed operations: heap alloc/free of random sizes (written end to end), and touches of a demand region.
    // No managed allocation per operation (the live set is a preallocated array) so the kernel heap stays out of it.
    private static string? Soak()
    {
        var live = new ulong[2048];
        var sizes = new ulong[2048];
        // managed objects made below may grow the kernel heap itself: those frames are the heap's, not a leak
        ulong kernelHeapBefore = M.HeapRegion.ResidentPages;
        ulong freeBefore = M.Pmm.FreeFrameCount;
        int count = 0;
        ulong seed = 0x2545F4914F6CDD1D;
        string? problem = null;
        using (var t = new TestHeap(RegionBacking.Demand, 0x4000_0000))
        {
            Region touch = DemandRegion("soak touch", 256);
            for (int op = 0; op < 100_000 && problem == null; op++)
            {
                seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17;
                int kind = (int)(seed % 10);
                if (kind < 5 && count < live.Length)
                {
                    ulong size = 1 + (seed >> 8) % ((seed & 0x100) != 0 ? 256UL : 8192UL);
                    ulong p = Alloc(t.Heap, size);
                    if (p == 0) { problem = $"op {op}: alloc {size} failed"; break; }
                    new Span<byte>((void*)p, (int)size).Fill((byte)op);
                    live[count] = p; sizes[count] = size; count++;
                }
                else if (kind < 9 && count > 0)
                {
                    int i = (int)((seed >> 16) % (ulong)count);
                    if (*(byte*)live[i] != *(byte*)(live[i] + sizes[i] - 1))
                    {
                        problem = $"op {op}: block 0x{live[i]:x} was overwritten";
                        break;
                    }
                    if (t.Heap.Free(new VirtualAddress(live[i])) != MemoryError.None)
                    {
                        problem = $"op {op}: free failed";
                        break;
                    }
                    live[i] = live[--count]; sizes[i] = sizes[count];
                }
                else
                {
                    ulong address = touch.Base.Value + (seed >> 20) % touch.Length;
                    bool ok = (seed & 1) == 0 ? SafeAccess.TryRead8(address, out _)
                        : SafeAccess.TryWrite8(address, (byte)op);
                    if (!ok) { problem = $"op {op}: touch of 0x{address:x} refused"; break; }
                }
            }
            if (problem == null && t.Heap.Check() != MemoryError.None)
                problem = "heap check failed: " + t.Heap.Check().Name();
            for (int i = 0; i < count; i++) t.Heap.Free(new VirtualAddress(live[i]));
            M.Space.FreeRegion(touch);
        }
        if (problem != null) return problem;
        if (M.Pmm.Check() != MemoryError.None) return "PMM check failed: " + M.Pmm.Check().Name();
        ulong freeAfter = M.Pmm.FreeFrameCount + (M.HeapRegion.ResidentPages - kernelHeapBefore);
        return freeAfter == freeBefore ? null
            : $"free frames {freeBefore} before, {freeAfter} after: {(long)freeBefore - (long)freeAfter} frames leaked";
    }
}
