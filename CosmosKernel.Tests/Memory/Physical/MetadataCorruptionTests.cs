using System;
using System.Collections.Generic;
using MemOS.Memory;
using MemOS.Memory.Physical;
using MemOS.Memory.Simulation;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Physical;

/// <summary>
/// Check() re-derives every fact of the PMM from its metadata. Here each fact is damaged on its own (a bitmap bit, a
/// tag, a reference count, a counter, a frame cache slot, a fresh run, an overflow slot) and the check must name
/// exactly that damage; with every field put back, it must find nothing again.
/// </summary>
[TestFixture]
public sealed class MetadataCorruptionTests
{
    private SimulatedRam _ram = null!;
    private PhysicalMemoryManager _pmm = null!;
    private PmmInternals _in = null!;
    private readonly List<(PhysicalAddress At, ulong Was)> _poked = new();
    private PhysicalAddress _kept, _block, _run;
    private ulong _cached0, _cached1;
    private int _freshRun;

    [SetUp]
    public void SetUp()
    {
        _ram = new SimulatedRam(8 * Fixtures.MiB);
        // One zone, frames 0x100-0x7ff, with a 16-frame reserved hole at 0x400 that is small enough to merge.
        var map = new MemoryMap(new[]
        {
            new MemoryMapEntry(0x100000, 0x300000, 1), new MemoryMapEntry(0x400000, 0x10000, 2),
            new MemoryMapEntry(0x410000, 0x3F0000, 1),
        });
        _pmm = new PhysicalMemoryManager(map, _ram);
        _in = new PmmInternals(_pmm);
        Assert.That(_in.Length("_zones"), Is.EqualTo(1), "the hole merged into one zone");

        _kept = _pmm.AllocateFrame().Value;
        Assert.That(_pmm.FreeFrame(_pmm.AllocateFrame().Value), Is.EqualTo(MemoryError.None));
        Assert.That(_in.Get<int>("_cachedCount"), Is.GreaterThanOrEqualTo(2), "frames wait in the frame cache");
        _cached0 = _in.GetIn<ulong>("_cached", 0, "Frame");
        _cached1 = _in.GetIn<ulong>("_cached", 1, "Frame");
        // An order-2 block on its free list (its buddy, held, keeps it from merging) and that held order-2 run.
        _block = _pmm.AllocateContiguous(2, FrameConstraints.None, FrameUsage.Used).Value;
        _run = _pmm.AllocateContiguous(2, FrameConstraints.None, FrameUsage.Used).Value;
        Assert.That(_run.Value ^ _block.Value, Is.EqualTo(4UL * 4096), "the two runs are buddies");
        Assert.That(_pmm.FreeContiguous(_block, 2), Is.EqualTo(MemoryError.None));
        _freshRun = _in.GetIn<int>("_zones", 0, "FreshNext");
        Assert.That(_in.GetIn<int>("_zones", 0, "FreshEnd"), Is.GreaterThan(_freshRun), "a fresh run is left");
        Assert.That(_in.GetIn<ulong>("_fresh", _freshRun, "Start"), Is.GreaterThan(_run.FrameNumber));
        Assert.That(_pmm.Check(out string? problem), Is.EqualTo(MemoryError.None), problem);
        _in.Snapshot();
    }

    [TearDown]
    public void TearDown()
    {
        _in.Restore();
        for (int i = _poked.Count - 1; i >= 0; i--) _ram.Write64(_poked[i].At, _poked[i].Was);
        _poked.Clear();
        Assert.That(_pmm.Check(out string? problem), Is.EqualTo(MemoryError.None), "put back: " + problem);
        _ram.Dispose();
    }

    private static string Hex(ulong frame) => "0x" + (frame * PhysicalAddress.FrameSize).ToString("x");
    private static string Hex(PhysicalAddress a) => Hex(a.FrameNumber);
    private byte[] Tags => _in.Array<byte>("_tags");
    private ushort[] Refs => _in.Array<ushort>("_refs");
    private int Idx(ulong frame) => _in.Index(PhysicalAddress.FromFrame(frame));
    private int Idx(PhysicalAddress a) => _in.Index(a);
    private ulong FreshStart => _in.GetIn<ulong>("_fresh", _freshRun, "Start");
    private static byte Tag(FrameUsage usage, int headOrder) => (byte)((int)usage | ((headOrder + 1) << 4));

    private void Poke(PhysicalAddress at, ulong value)
    {
        _poked.Add((at, _ram.Read64(at)));
        _ram.Write64(at, value);
    }

    private void Expect(string said)
    {
        Assert.That(_pmm.Check(out string? problem), Is.EqualTo(MemoryError.Conflict), "the damage is found");
        Assert.That(problem, Is.EqualTo(said).Or.StartWith(said));
    }

    // A free frame put into the frame cache by hand, header and all, as a bug that cached it twice would.
    private void AlsoCache(ulong frame)
    {
        int n = _in.Get<int>("_cachedCount");
        _in.SetIn("_cached", n, "Frame", frame);
        _in.SetIn("_cached", n, "Index", (ulong)Idx(frame));
        _in.Set("_cachedCount", n + 1);
        Poke(PhysicalAddress.FromFrame(frame) + 16, PmmInternals.Constant("CachedMagic") ^ frame);
    }

    [TestCase(-1)]
    [TestCase(PhysicalMemoryManager.FrameCacheCapacity + 1)]
    public void A_frame_cache_count_out_of_range_is_named(int count)
    {
        _in.Set("_cachedCount", count);
        Expect($"frame cache count {count}");
    }

    [Test]
    public void A_cached_frame_outside_every_zone_is_named()
    {
        _in.SetIn("_cached", 0, "Frame", 0x10UL);
        Expect("cached frame 0x10000 is in no zone");
    }

    [Test]
    public void A_cached_frame_with_the_wrong_index_is_named()
    {
        _in.SetIn("_cached", 0, "Index", (ulong)Idx(_cached0) + 1);
        Expect($"cached frame {Hex(_cached0)}: wrong metadata index");
    }

    [Test]
    public void A_cached_frame_marked_used_referenced_tagged_or_overwritten_is_named()
    {
        _in.SetUsedBit(PhysicalAddress.FromFrame(_cached0), true);
        Expect($"cached frame {Hex(_cached0)} is used in the bitmap");
        _in.Restore();
        Refs[Idx(_cached0)] = 1;
        Expect($"cached frame {Hex(_cached0)} has references");
        _in.Restore();
        Tags[Idx(_cached0)] = (byte)FrameUsage.Used;
        Expect($"cached frame {Hex(_cached0)}: tag 0x0{(int)FrameUsage.Used:x}");
        _in.Restore();
        Poke(PhysicalAddress.FromFrame(_cached0) + 16, 0);
        Expect($"cached frame {Hex(_cached0)}: header overwritten (write after free?)");
    }

    [Test]
    public void A_frame_cached_twice_is_named()
    {
        _in.SetIn("_cached", 1, "Frame", _cached0);
        _in.SetIn("_cached", 1, "Index", (ulong)Idx(_cached0));
        Expect($"cached frame {Hex(_cached0)} cached twice");
        Assert.That(_cached1, Is.Not.EqualTo(_cached0));
    }

    [Test]
    public void A_non_empty_mask_that_disagrees_with_a_list_is_named()
    {
        int mask = _in.GetIn<int>("_zones", 0, "NonEmpty");
        Assert.That(mask & (1 << 2), Is.Not.Zero, "order 2 has the block");
        _in.SetIn("_zones", 0, "NonEmpty", mask & ~(1 << 2));
        Expect("zone 0: order 2 non-empty mask disagrees with its list");
        _in.Restore();
        int empty = 0;
        while ((mask & (1 << empty)) != 0) empty++;
        _in.SetIn("_zones", 0, "NonEmpty", mask | (1 << empty));
        Expect($"zone 0: order {empty} non-empty mask disagrees with its list");
    }

    [Test]
    public void A_free_block_with_a_wrong_head_tag_is_named()
    {
        Tags[Idx(_block)] = Tag(FrameUsage.Free, 1);
        Expect($"free block {Hex(_block)} order 2: head tag 0x{Tag(FrameUsage.Free, 1):x2}");
    }

    [Test]
    public void A_frame_of_a_free_block_marked_used_referenced_cached_or_tagged_is_named()
    {
        ulong second = _block.FrameNumber + 1;
        _in.SetUsedBit(PhysicalAddress.FromFrame(second), true);
        Expect($"free block {Hex(_block)} order 2: frame {Hex(second)} is used in the bitmap");
        _in.Restore();
        Refs[Idx(second)] = 1;
        Expect($"free frame {Hex(second)} has references");
        _in.Restore();
        AlsoCache(second);
        Expect($"cached frame {Hex(second)} is also in a free block");
        _in.Restore();
        Tags[Idx(second)] = (byte)FrameUsage.Heap;
        Expect($"free frame {Hex(second)}: tag 0x{(int)FrameUsage.Heap:x2}");
    }

    [Test]
    public void A_free_block_inside_a_fresh_run_is_named()
    {
        _in.SetIn("_fresh", _freshRun, "Start", _block.FrameNumber);
        Expect($"free block {Hex(_block)} order 2 overlaps a fresh run");
    }

    [Test]
    public void A_free_block_whose_free_buddy_was_not_merged_is_named()
    {
        Tags[Idx(_run)] = Tag(FrameUsage.Free, 2);
        Expect($"free buddies {Hex(Math.Min(_block.FrameNumber, _run.FrameNumber))} order 2 were not merged");
    }

    [Test]
    public void A_misplaced_fresh_run_is_named()
    {
        ulong end = _in.GetIn<ulong>("_fresh", _freshRun, "End");
        ulong zoneStart = _in.GetIn<ulong>("_zones", 0, "Start"), zoneEnd = _in.GetIn<ulong>("_zones", 0, "End");
        int last = _in.GetIn<int>("_zones", 0, "FreshEnd") - 1;
        ulong lastStart = _in.GetIn<ulong>("_fresh", last, "Start");
        // SetUp's clean check already saw this run end exactly at the zone's end: that is allowed.
        Assert.That(_in.GetIn<ulong>("_fresh", last, "End"), Is.EqualTo(zoneEnd));
        const string Said = "zone 0: fresh run {0}-{1} misplaced";
        _in.SetIn("_fresh", _freshRun, "Start", end + 1);
        Expect(string.Format(null, Said, Hex(end + 1), Hex(end)));
        _in.Restore();
        _in.SetIn("_fresh", _freshRun, "Start", zoneStart - 1);
        _in.SetIn("_fresh", _freshRun, "End", zoneStart);
        Expect(string.Format(null, Said, Hex(zoneStart - 1), Hex(zoneStart)));
        _in.Restore();
        _in.SetIn("_fresh", last, "End", zoneEnd + 1);
        Expect(string.Format(null, Said, Hex(lastStart), Hex(zoneEnd + 1)));
    }

    [Test]
    public void Zone_counters_that_disagree_with_the_lists_are_named()
    {
        ulong fresh = _in.GetIn<ulong>("_zones", 0, "FreshFrames"), free = _in.GetIn<ulong>("_zones", 0, "FreeFrames");
        _in.SetIn("_zones", 0, "FreshFrames", fresh + 1);
        Expect($"zone 0: fresh runs hold {fresh} frames, counter {fresh + 1}");
        _in.Restore();
        _in.SetIn("_zones", 0, "FreeFrames", free + 1);
        Expect($"zone 0: lists hold {free - fresh} frames + fresh {fresh}, counter says {free + 1}");
    }

    [Test]
    public void An_unmarked_frame_in_no_list_is_named()
    {
        _in.SetUsedBit(_kept, false);
        Expect($"free frame {Hex(_kept)} is in no buddy list");
    }

    [Test]
    public void A_fresh_frame_marked_used_referenced_tagged_or_cached_is_named()
    {
        ulong f = FreshStart + 1;
        string said = $"fresh frame {Hex(f)} is not plainly free";
        _in.SetUsedBit(PhysicalAddress.FromFrame(f), true);
        Expect(said);
        _in.Restore();
        Refs[Idx(f)] = 1;
        Expect(said);
        _in.Restore();
        Tags[Idx(f)] = (byte)FrameUsage.Used;
        Expect(said);
        _in.Restore();
        AlsoCache(f);
        Expect($"fresh frame {Hex(f)} is also cached");
    }

    [Test]
    public void A_frame_with_no_reference_must_be_a_plain_reserved_or_kernel_frame()
    {
        Refs[Idx(_kept)] = 0;
        Expect($"reserved frame {Hex(_kept)}: tag 0x{Tags[Idx(_kept)]:x2}");
        _in.Restore();
        Tags[Idx(0x400UL)] = Tag(FrameUsage.Reserved, 0);
        Expect($"reserved frame 0x400000: tag 0x{Tag(FrameUsage.Reserved, 0):x2}");
        _in.Restore();
        Tags[Idx(0x400UL)] = (byte)FrameUsage.Kernel;
        Assert.That(_pmm.Check(out string? problem), Is.EqualTo(MemoryError.None), problem);
    }

    [Test]
    public void An_allocated_frame_outside_a_well_formed_run_is_named()
    {
        Tags[Idx(_kept)] = (byte)FrameUsage.Used;
        Expect($"allocated frame {Hex(_kept)} belongs to no run");
        _in.Restore();
        int order = 1;
        while ((_kept.FrameNumber & ((1UL << order) - 1)) == 0) order++;
        Tags[Idx(_kept)] = Tag(FrameUsage.Used, order);
        Expect($"allocated run {Hex(_kept)} order {order} misplaced");
    }

    [Test]
    public void A_frame_of_an_allocated_run_unmarked_unreferenced_headed_or_mistagged_is_named()
    {
        ulong second = _run.FrameNumber + 1;
        string notAllocated = $"allocated run {Hex(_run)} order 2: frame {Hex(second)} not allocated";
        Refs[Idx(second)] = 0;
        Expect(notAllocated);
        _in.Restore();
        _in.SetUsedBit(PhysicalAddress.FromFrame(second), false);
        Expect(notAllocated);
        _in.Restore();
        Tags[Idx(second)] = Tag(FrameUsage.Used, 0);
        Expect($"allocated run {Hex(_run)} order 2: frame {Hex(second)} is tagged as a head");
        _in.Restore();
        Tags[Idx(second)] = (byte)FrameUsage.Free;
        Expect($"allocated frame {Hex(second)}: usage tag 0x{(int)FrameUsage.Free:x2}");
    }

    [Test]
    public void Spilled_counts_and_overflow_slots_must_agree()
    {
        Refs[Idx(_kept)] = ushort.MaxValue;
        Expect($"frame {Hex(_kept)}: spilled count has no overflow slot");
        _in.SetIn("_overflow", 3, "Frame", _kept.FrameNumber);
        _in.SetIn("_overflow", 3, "Count", 5u);
        Expect($"overflow slot for {Hex(_kept)} is stale");
        _in.SetIn("_overflow", 3, "Count", (uint)ushort.MaxValue);
        Assert.That(_pmm.Check(out string? problem), Is.EqualTo(MemoryError.None), problem);
        _in.Restore();
        _in.SetIn("_overflow", 3, "Frame", _kept.FrameNumber);
        _in.SetIn("_overflow", 3, "Count", 70_000u);
        Expect($"overflow slot for {Hex(_kept)} is stale");
    }

    [Test]
    public void Global_counters_that_disagree_with_the_bitmap_are_named()
    {
        var blocks = _in.Array<ulong>("_freeBlocks");
        ulong b2 = blocks[2];
        blocks[2] = b2 + 1;
        Expect($"order 2: lists hold {b2} blocks, counter says {b2 + 1}");
        _in.Restore();
        ulong free = _in.Get<ulong>("_freeFrames");
        _in.Set("_freeFrames", free + 1);
        Expect("free frames: lists ");
        _in.Restore();
        ulong used = _in.Get<ulong>("_usedFrames");
        _in.Set("_usedFrames", used + 1);
        Expect($"used frames: bitmap {used}, counter {used + 1}");
        _in.Restore();
        ulong total = _in.Get<ulong>("_totalFrames"), usable = _in.Get<ulong>("_usableFrames");
        _in.Set("_usableFrames", usable - 1);
        Expect($"reserved frames: bitmap {total - usable}, expected {total - usable + 1}");
        _in.Restore();
        _in.Set("_usableFrames", usable + 1);
        _in.Set("_totalFrames", total + 1);
        Expect("free + cached + used + reserved != total");
    }
}
