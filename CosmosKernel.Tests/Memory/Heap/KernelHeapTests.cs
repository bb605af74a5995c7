using System;
using System.Linq;
using MemOS.Memory;
using MemOS.Memory.Heap;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Heap;

public class KernelHeapTests
{
    private TestArena _arena = null!;
    private KernelHeap _heap = null!;

    private KernelHeap Make(HeapOptions options = default, ulong size = 16 << 20)
    {
        _arena?.Dispose();
        _arena = new TestArena(size);
        _heap = new KernelHeap(_arena, _arena, TestArena.KernelBase, size, options);
        return _heap;
    }

    [SetUp] public void SetUp() => Make();
    [TearDown] public void TearDown() => _arena.Dispose();

    private VirtualAddress Alloc(ulong size, ulong alignment = 16)
    {
        var r = _heap.Allocate(size, alignment);
        Assert.That(r.Error, Is.EqualTo(MemoryError.None), $"Allocate({size}, {alignment})");
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.None));
        return r.Value;
    }

    private void Free(VirtualAddress a)
    {
        Assert.That(_heap.Free(a), Is.EqualTo(MemoryError.None), $"Free({a})");
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.None));
    }

    private void AssertConserved()
    {
        var s = _heap.Statistics();
        Assert.That(s.UsedBytes + s.FreeBytes + s.OverheadBytes, Is.EqualTo(s.HeapSize));
    }

    // ------------------------------------------------------------ the seed walkthrough

    [Test]
    public void Seed_walkthrough_small_allocations_share_the_first_page_and_a_crossing_touches_one_more()
    {
        var a = Alloc(5);
        _arena.Fill(a, 0xAA, 5);
        var b = Alloc(10);
        _arena.Fill(b, 0xBB, 10);
        var c = Alloc(100);
        _arena.Fill(c, 0xCC, 100);

        Assert.That(a.Value, Is.LessThan(b.Value));
        Assert.That(b.Value, Is.LessThan(c.Value));
        Assert.That(a.PageBase, Is.EqualTo(c.PageBase), "all three in one page");
        Assert.That(a.PageBase, Is.EqualTo(TestArena.KernelBase));
        Assert.That(_arena.TouchedPages, Is.EqualTo(1), "exactly one frame on first touch");

        var big = Alloc(4000);
        Assert.That(big.PageBase, Is.EqualTo(TestArena.KernelBase), "starts in the touched page");
        Assert.That((big + 3999).PageBase, Is.Not.EqualTo(big.PageBase), "crosses a page boundary");
        _arena.Fill(big, 0x11, 4000);
        Assert.That(((big.Value + 3999) >> 12) - (big.Value >> 12), Is.EqualTo(1UL));
        Assert.That(_arena.TouchedPages, Is.EqualTo(2), "the crossing touches exactly one more page");
    }

    [Test]
    public void Growing_the_heap_touches_no_page_until_the_allocation_is_used()
    {
        Alloc(5);
        int before = _arena.TouchedPages;
        var big = Alloc(200_000);
        Assert.That(_arena.TouchedPages - before, Is.LessThanOrEqualTo(1), "only the header's page");
        Assert.That(_arena.MappedPages * 4096, Is.GreaterThanOrEqualTo(200_000));
        Free(big);
    }

    // ------------------------------------------------------------ bad inputs

    [TestCase(0UL, 16UL)]
    [TestCase(8UL, 0UL)]
    [TestCase(8UL, 3UL)]
    [TestCase(8UL, 48UL)]
    [TestCase(8UL, 1UL << 40)]
    public void Bad_size_or_alignment_is_refused(ulong size, ulong alignment)
    {
        Assert.That(_heap.Allocate(size, alignment).Error, Is.EqualTo(MemoryError.InvalidArgument));
        Assert.That(_heap.Statistics().LiveAllocations, Is.Zero);
    }

    [Test]
    public void Too_large_a_request_is_out_of_memory_not_a_hang()
    {
        Assert.That(_heap.Allocate(ulong.MaxValue).Error, Is.EqualTo(MemoryError.OutOfMemory));
        Assert.That(_heap.Allocate(17 << 20).Error, Is.EqualTo(MemoryError.OutOfMemory));
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.None));
    }

    [Test]
    public void Bad_frees_are_reported_and_change_nothing()
    {
        var small = Alloc(40);   // class 48
        var small2 = Alloc(40);
        var medium = Alloc(5000);
        var stats = _heap.Statistics();

        Assert.Multiple(() =>
        {
            Assert.That(_heap.Free(new VirtualAddress(0)), Is.EqualTo(MemoryError.BadPointer));
            Assert.That(_heap.Free(new VirtualAddress(0x1000)), Is.EqualTo(MemoryError.BadPointer));
            Assert.That(_heap.Free(TestArena.KernelBase + (8UL << 20)), Is.EqualTo(MemoryError.BadPointer),
                "beyond the top");
            Assert.That(_heap.Free(small + 8), Is.EqualTo(MemoryError.Misaligned));
            Assert.That(_heap.Free(small + 16), Is.EqualTo(MemoryError.BadPointer), "interior of a small block");
            Assert.That(_heap.Free(medium + 32), Is.EqualTo(MemoryError.BadPointer), "interior of a medium block");
            Assert.That(_heap.Free(medium + 4096), Is.EqualTo(MemoryError.BadPointer), "interior, page aligned");
            Assert.That(_heap.Free(new VirtualAddress((small.Value & ~511UL) - 32)), Is.EqualTo(MemoryError.BadPointer),
                "a slab header");
            Assert.That(_heap.SizeOf(small + 16).Error, Is.EqualTo(MemoryError.BadPointer));
            Assert.That(_heap.SizeOf(small + 1).Error, Is.EqualTo(MemoryError.Misaligned));
        });
        Assert.That(_heap.Statistics(), Is.EqualTo(stats).Using<HeapStatistics>(SameNumbers));
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.None));

        Free(small);
        Assert.That(_heap.Free(small), Is.EqualTo(MemoryError.DoubleFree));
        Assert.That(_heap.SizeOf(small).Error, Is.EqualTo(MemoryError.NotAllocated));
        Free(medium);
        Assert.That(_heap.Free(medium), Is.EqualTo(MemoryError.DoubleFree));
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.None));
        Assert.That(_heap.SizeOf(small2).Value, Is.EqualTo(48UL));
    }

    [Test]
    public void Double_free_of_a_block_merged_into_its_neighbour_is_still_caught()
    {
        var a = Alloc(3000);
        var b = Alloc(3000);
        Alloc(3000);
        Free(a);
        Free(b); // merges into a
        Assert.That(_heap.Free(b), Is.EqualTo(MemoryError.DoubleFree));
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.None));
    }

    private static bool SameNumbers(HeapStatistics x, HeapStatistics y)
        => x with { SmallObjectsPerClass = [] } == y with { SmallObjectsPerClass = [] }
           && x.SmallObjectsPerClass.SequenceEqual(y.SmallObjectsPerClass);

    // ------------------------------------------------------------ split and coalesce

    [Test]
    public void Freeing_three_neighbours_in_any_order_leaves_one_free_block()
    {
        foreach (var order in new[] { new[] { 0, 2, 1 }, new[] { 1, 0, 2 }, new[] { 2, 1, 0 }, new[] { 0, 1, 2 } })
        {
            Make();
            var blocks = new[] { Alloc(3000), Alloc(5000), Alloc(7000) };
            var fence = Alloc(3000);
            foreach (int i in order) Free(blocks[i]);
            var free = _heap.Blocks().Where(b => b.Kind == HeapBlockKind.Free).ToList();
            Assert.That(free, Has.Count.EqualTo(1), $"order {string.Join(",", order)}");
            Assert.That(free[0].Address, Is.EqualTo(blocks[0] + unchecked((ulong)-16L)));
            Assert.That(free[0].Size, Is.EqualTo(fence.Value - 16 - free[0].Address.Value));
        }
    }

    [Test]
    public void Split_never_leaves_a_fragment_smaller_than_a_block()
    {
        var a = Alloc(3000);
        Alloc(100); // fence
        Free(a);
        ulong freeSize = _heap.Blocks().Single(b => b.Kind == HeapBlockKind.Free).Size;
        // Ask for 16 bytes less than would leave a minimal free block: the remainder is absorbed.
        var again = Alloc(freeSize - 16 - 32);
        Assert.That(again, Is.EqualTo(a));
        Assert.That(_heap.Blocks().Count(b => b.Kind == HeapBlockKind.Free), Is.Zero);
        Assert.That(_heap.SizeOf(again).Value, Is.EqualTo(freeSize - 16));
        AssertConserved();
    }

    [Test]
    public void First_fit_reuses_the_lowest_hole()
    {
        var a = Alloc(3000); Alloc(64); var b = Alloc(3000); Alloc(64);
        Free(b); Free(a);
        Assert.That(Alloc(2900), Is.EqualTo(a).Or.EqualTo(b));
    }

    // ------------------------------------------------------------ alignment

    [Test]
    public void Alignment_is_honoured_for_every_power_of_two()
    {
        for (int log = 0; log <= 16; log++)
            foreach (ulong size in new ulong[] { 1, 24, 100, 2048, 3000, 40_000 })
            {
                ulong align = 1UL << log;
                var p = Alloc(size, align);
                Assert.That(p.Value % Math.Max(16, align), Is.Zero, $"size {size} align {align}");
                Assert.That(_heap.SizeOf(p).Value, Is.GreaterThanOrEqualTo(size));
                _arena.Fill(p, 0x5A, size);
            }
        AssertConserved();
    }

    [Test]
    public unsafe void Alignments_from_128_KiB_to_1_MiB_are_honoured_and_everything_comes_back()
    {
        // the shell accepts alignments up to 1 MiB: the large path must carve them out of a 16 MiB heap
        var before = _heap.Statistics();
        foreach (ulong size in new ulong[] { 1, 100, 4096, 40_000, 300_000 })
            for (int log = 17; log <= 20; log++)
            {
                ulong align = 1UL << log;
                var blocks = new VirtualAddress[3];
                for (int i = 0; i < blocks.Length; i++)
                {
                    blocks[i] = Alloc(size, align);
                    Assert.That(blocks[i].Value % align, Is.Zero, $"size {size} align {align}");
                    Assert.That(_heap.SizeOf(blocks[i]).Value, Is.GreaterThanOrEqualTo(size));
                    _arena.Fill(blocks[i], (byte)(0x40 + i), size);
                }
                for (int i = 0; i < blocks.Length; i++)
                    Assert.That(_arena.Raw(blocks[i])[size - 1], Is.EqualTo((byte)(0x40 + i)), "contents kept");
                foreach (VirtualAddress b in blocks) Free(b);
            }
        Assert.That(_heap.Statistics().LiveAllocations, Is.EqualTo(before.LiveAllocations));
        Assert.That(_heap.Statistics().UsedBytes, Is.EqualTo(before.UsedBytes));
    }

    [Test]
    public void Small_sizes_with_alignment_above_a_granule_stay_aligned()
    {
        // Slab objects start on a 512 B granule only, so these must not come from a slab of the matching class.
        foreach (var (size, align) in
                new (ulong, ulong)[] { (1024, 1024), (2048, 2048), (100, 1024), (512, 512), (1536, 512) })
            for (int i = 0; i < 20; i++)
                Assert.That(Alloc(size, align).Value % align, Is.Zero, $"size {size} align {align}");
        AssertConserved();
    }

    [Test]
    public void A_new_slab_takes_the_lowest_free_block_not_the_smallest_bins_first()
    {
        Alloc(16);
        var low = Alloc(200_000);
        var guard = Alloc(40_000);
        var high = Alloc(60_000);
        Alloc(40_000);
        Alloc(600_000); // most of the heap stays in use: not sparse, so this is the slab rule alone
        Free(low);
        Free(high); // two holes: the low one in a larger bin than the high one
        var p = Alloc(64); // a new slab of its class
        Assert.That(p.Value, Is.LessThan(guard.Value), "carved in the low hole, where long-lived objects pack");
        AssertConserved();
    }

    [Test]
    public void Partial_slabs_fill_lowest_first()
    {
        int n = SizeClasses.Capacity(0);
        var first = Enumerable.Range(0, n).Select(_ => Alloc(16)).ToList();
        var second = Enumerable.Range(0, n).Select(_ => Alloc(16)).ToList();
        var third = Alloc(16); // a third slab, partial
        Free(first[3]); // the first slab becomes partial: below the head (the third), so it goes first
        Free(second[0]); // the second becomes partial after it: above the head, so it goes second, not first
        Assert.That(Alloc(16), Is.EqualTo(first[3]));
        Assert.That(Alloc(16), Is.EqualTo(second[0]));
        Assert.That(third.Value, Is.GreaterThan(second[^1].Value));
    }

    [Test]
    public void Slabs_of_different_classes_pack_without_alignment_gaps()
    {
        // Every class up to 256 B spans whole granules, so its slabs follow each other directly.
        for (int round = 0; round < 3; round++)
            for (int c = 0; SizeClasses.Size(c) <= 256; c++)
                for (int i = 0; i < SizeClasses.Capacity(c); i++) Alloc(SizeClasses.Size(c));
        var free = _heap.Blocks().Where(b => b.Kind == HeapBlockKind.Free).ToList();
        Assert.That(free.Count, Is.LessThanOrEqualTo(1), "only the gap in front of the first slab");
        Assert.That(free.Sum(b => (long)b.Size), Is.LessThan(512));
        AssertConserved();
    }

    [Test]
    public void Large_blocks_are_whole_pages()
    {
        var p = Alloc(100_000);
        Assert.That((p.Value - 16) % 4096, Is.Zero);
        var block = _heap.Blocks().Single(b => b.Kind == HeapBlockKind.Large);
        Assert.That((block.Size + 16) % 4096, Is.Zero);
        Assert.That(block.Size, Is.GreaterThanOrEqualTo(100_000UL));
    }

    // ------------------------------------------------------------ growth, release, out of memory

    [Test]
    public void Trailing_pages_are_given_back_with_hysteresis()
    {
        Make(new HeapOptions { GrowIncrement = 4096 });
        var keep = Alloc(64);
        var big = Alloc(200_000);
        int mapped = _arena.MappedPages;
        Free(big);
        Assert.That(_arena.MappedPages, Is.LessThan(mapped));
        Assert.That(_arena.MappedPages, Is.LessThanOrEqualTo(2), "one page in use plus one kept");

        // Alloc/free at the edge: no Extend/Release thrash.
        int extends = _arena.ExtendCalls, releases = _arena.ReleaseCalls;
        for (int i = 0; i < 100; i++) Free(Alloc(3000));
        Assert.That(_arena.ExtendCalls - extends + _arena.ReleaseCalls - releases, Is.LessThanOrEqualTo(2));
        Free(keep);
        _heap.Trim();
        Assert.That(_arena.MappedPages, Is.Zero);
        Assert.That(_heap.Blocks(), Is.Empty);
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.None));
    }

    [Test]
    public void Out_of_memory_is_clean_and_the_heap_works_again_after_a_free()
    {
        Make(size: 256 * 1024);
        var blocks = new System.Collections.Generic.List<VirtualAddress>();
        Result<VirtualAddress> r;
        while ((r = _heap.Allocate(10_000)).Ok) blocks.Add(r.Value);
        Assert.That(r.Error, Is.EqualTo(MemoryError.OutOfMemory));
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.None));
        var stats = _heap.Statistics();
        Assert.That(stats.FailedAllocations, Is.EqualTo(1UL));
        Free(blocks[3]);
        Alloc(10_000);
        Assert.That(blocks.Count, Is.GreaterThan(20));
    }

    [Test]
    public void A_failing_backing_fails_the_allocation_and_changes_nothing()
    {
        Alloc(64);
        var before = _heap.Statistics();
        _arena.FailExtend = true;
        Assert.That(_heap.Allocate(1 << 20).Error, Is.EqualTo(MemoryError.OutOfMemory));
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.None));
        Assert.That(_heap.Statistics().HeapSize, Is.EqualTo(before.HeapSize));
        _arena.FailExtend = false;
        Alloc(1 << 20);
    }

    [Test]
    public void A_backing_that_refuses_the_generous_step_is_asked_for_the_exact_need()
    {
        Make(new HeapOptions { GrowIncrement = 1 << 20 });
        _arena.PageLimit = 3;
        var p = Alloc(5000);
        Assert.That(_arena.MappedPages, Is.EqualTo(2));
        Assert.That(_heap.Allocate(20_000).Error, Is.EqualTo(MemoryError.OutOfMemory));
        Free(p);
    }

    // ------------------------------------------------------------ poison and red zones

    [Test]
    public unsafe void Poison_catches_a_write_after_free_of_a_medium_block()
    {
        Make(new HeapOptions { Poison = true });
        var a = Alloc(3000); Alloc(100);
        Free(a);
        Assert.That(*(ulong*)_arena.Raw(a + 1000), Is.EqualTo(0xDDDDDDDDDDDDDDDDUL));
        *_arena.Raw(a + 1000) = 1;
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.HeapCorrupted));
    }

    [Test]
    public unsafe void Poison_catches_a_write_after_free_of_a_small_block()
    {
        Make(new HeapOptions { Poison = true });
        var a = Alloc(32); Alloc(32);
        Free(a);
        *_arena.Raw(a + 4) = 7;
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.HeapCorrupted));
    }

    [Test]
    public unsafe void Red_zones_catch_an_overflow_on_free()
    {
        Make(new HeapOptions { RedZones = true });
        var a = Alloc(20);
        ulong usable = _heap.SizeOf(a).Value;
        Assert.That(usable, Is.GreaterThanOrEqualTo(20UL));
        *_arena.Raw(a + usable) = 0; // one byte past the end
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.HeapCorrupted));
        Assert.That(_heap.Free(a), Is.EqualTo(MemoryError.HeapCorrupted));
        Assert.That(_heap.Statistics().LiveAllocations, Is.EqualTo(1UL), "nothing changed");
    }

    [Test]
    public unsafe void A_smashed_header_is_detected()
    {
        var a = Alloc(3000);
        *(ulong*)_arena.Raw(a + unchecked((ulong)-16L)) = 0x12345;
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.HeapCorrupted));
        Assert.That(_heap.Free(a), Is.EqualTo(MemoryError.BadPointer));
    }

    [Test]
    public unsafe void A_forged_cycle_of_real_free_blocks_is_reported_not_walked_forever()
    {
        var a = Alloc(2600); Alloc(2600); // medium neighbours keep the two free blocks apart
        var b = Alloc(2600); Alloc(2600);
        Free(a);
        Free(b); // one bin now lists b, then a
        *(ulong*)_arena.Raw(a) = b.Value - 16; // a's next link (block + 16 = the payload) points back at b's block

        // 3000 B is in the same bin and fits neither block: without a bound the search goes round forever
        var search = System.Threading.Tasks.Task.Run(() => _heap.Allocate(3000));
        Assert.That(search.Wait(TimeSpan.FromSeconds(10)), Is.True, "the free-list search came back");
        Assert.That(search.Result.Error, Is.EqualTo(MemoryError.HeapCorrupted));
        Assert.That(_heap.CorruptionsDetected, Is.EqualTo(1UL));
        var statistics = System.Threading.Tasks.Task.Run(() => _heap.Statistics());
        Assert.That(statistics.Wait(TimeSpan.FromSeconds(10)), Is.True, "statistics came back");
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.HeapCorrupted));
    }

    // ------------------------------------------------------------ slabs and statistics

    [Test]
    public void Every_size_class_keeps_overhead_at_or_under_16_bytes_per_small_block()
    {
        for (int c = 0; c < SizeClasses.Count; c++)
        {
            Make();
            ulong size = SizeClasses.Size(c);
            int n = SizeClasses.Capacity(c) * 3; // three full slabs
            for (int i = 0; i < n; i++) Assert.That(_heap.SizeOf(Alloc(size)).Value, Is.EqualTo(size));
            var s = _heap.Statistics();
            Assert.That(s.SmallObjectsPerClass[c], Is.EqualTo((ulong)n));
            Assert.That((double)s.OverheadBytes / n, Is.LessThanOrEqualTo(16.0), $"class {size}");
            Assert.That(s.UsedBytes, Is.EqualTo(size * (ulong)n));
            AssertConserved();
        }
    }

    [Test]
    public void Small_objects_come_back_in_order_and_one_empty_slab_per_class_is_kept()
    {
        var first = Enumerable.Range(0, SizeClasses.Capacity(0)).Select(_ => Alloc(16)).ToList();
        Assert.That(first, Is.Ordered.By(nameof(VirtualAddress.Value)));
        var second = Alloc(16); // a second slab
        int slabs = _heap.Blocks().Count(b => b.Kind == HeapBlockKind.Slab);
        Assert.That(slabs, Is.EqualTo(2));
        foreach (var p in first) Free(p);
        Assert.That(_heap.Blocks().Count(b => b.Kind == HeapBlockKind.Slab), Is.EqualTo(2), "the empty one is kept");
        Free(second);
        Assert.That(_heap.Blocks().Count(b => b.Kind == HeapBlockKind.Slab), Is.EqualTo(1),
            "a second empty slab goes back");
        Assert.That(Alloc(16), Is.EqualTo(first[0]), "the kept slab is refilled, lowest object first");
        Free(first[0]);
        _heap.Trim();
        Assert.That(_heap.Blocks().Count(b => b.Kind == HeapBlockKind.Slab), Is.Zero);
    }

    [Test]
    public void Statistics_count_and_blocks_enumerate()
    {
        var a = Alloc(10); var b = Alloc(3000); var c = Alloc(50_000);
        var s = _heap.Statistics();
        Assert.That(s.LiveAllocations, Is.EqualTo(3UL));
        Assert.That(s.TotalAllocations, Is.EqualTo(3UL));
        Assert.That(s.UsedBytes, Is.EqualTo(16 + _heap.SizeOf(b).Value + _heap.SizeOf(c).Value));
        Assert.That(s.LargestFreeBlock, Is.LessThanOrEqualTo(s.FreeBytes));
        Assert.That(s.Fragmentation, Is.InRange(0.0, 1.0));
        var blocks = _heap.Blocks();
        Assert.That(blocks.Select(x => x.Kind),
            Does.Contain(HeapBlockKind.Small).And.Contain(HeapBlockKind.Medium).And.Contain(HeapBlockKind.Large));
        Assert.That(blocks.Where(x => x.Kind == HeapBlockKind.Small).Select(x => x.Address), Is.EqualTo(new[] { a }));
        Free(a); Free(b); Free(c);
        Assert.That(_heap.Statistics().TotalFrees, Is.EqualTo(3UL));
        AssertConserved();
    }

    // ------------------------------------------------------------ the thin types

    [Test]
    public void Kernel_and_user_heaps_refuse_the_wrong_half()
    {
        using var arena = new TestArena(1 << 20, new VirtualAddress(0x1000_0000));
        Assert.Throws<ArgumentException>(() => new KernelHeap(arena, arena, new VirtualAddress(0x1000_0000), 1 << 20));
        Assert.Throws<ArgumentException>(() => new UserHeap(arena, arena, TestArena.KernelBase, 1 << 20));
        Assert.Throws<ArgumentException>(() => new UserHeap(arena, arena, new VirtualAddress(0x1000), 1 << 20));
        Assert.Throws<ArgumentException>(() => new UserHeap(arena, arena, new VirtualAddress(0x1000_0008), 1 << 20));
        var user = new UserHeap(arena, arena, new VirtualAddress(0x1000_0000), 1 << 20);
        var p = user.Allocate(100);
        Assert.That(p.Value.Value, Is.InRange(0x1000_0000UL, 0x1010_0000UL));
        Assert.That(user.Free(p.Value), Is.EqualTo(MemoryError.None));
        Assert.That(user.Check(), Is.EqualTo(MemoryError.None));
    }

    [Test]
    public unsafe void Direct_memory_runs_on_raw_pointers()
    {
        ulong size = 1 << 20;
        void* block = System.Runtime.InteropServices.NativeMemory.AlignedAlloc((nuint)size, 4096);
        try
        {
            var heap = new HeapCore<HeapMemory>(HeapMemory.Direct, new NullBacking(), new VirtualAddress((ulong)block),
                size, default);
            var p = heap.Allocate(100).Value;
            *(long*)p.Value = 42;
            var q = heap.Allocate(10_000).Value;
            Assert.That(heap.Check(), Is.EqualTo(MemoryError.None));
            Assert.That(heap.Free(p), Is.EqualTo(MemoryError.None));
            Assert.That(heap.Free(q), Is.EqualTo(MemoryError.None));
            Assert.That(heap.Free(q), Is.EqualTo(MemoryError.DoubleFree));
        }
        finally { System.Runtime.InteropServices.NativeMemory.AlignedFree(block); }
    }

    private sealed class NullBacking : IHeapBacking
    {
        public MemoryError Extend(VirtualAddress start, ulong length) => MemoryError.None;
        public MemoryError Release(VirtualAddress start, ulong length) => MemoryError.None;
        public MemoryError Commit(VirtualAddress start, ulong length) => MemoryError.None;
        public MemoryError Decommit(VirtualAddress start, ulong length) => MemoryError.None;
    }
}
