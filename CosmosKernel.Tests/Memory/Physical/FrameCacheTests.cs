using System;
using System.Collections.Generic;
using MemOS.Memory;
using MemOS.Memory.Physical;
using MemOS.Memory.Simulation;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Physical;

/// <summary>The PMM's frame cache: single frames from and to a small stack, refilled and drained in batches.</summary>
public class FrameCacheTests
{
    private const int Capacity = PhysicalMemoryManager.FrameCacheCapacity;
    private const int Batch = PhysicalMemoryManager.FrameCacheBatch;
    private SimulatedRam _ram = null!;
    private PhysicalMemoryManager _pmm = null!;

    [SetUp]
    public void SetUp()
    {
        _ram = new SimulatedRam(128 * Fixtures.MiB);
        _pmm = new PhysicalMemoryManager(Fixtures.Booted(Fixtures.Qemu128M()), _ram);
    }

    [TearDown]
    public void TearDown() => _ram.Dispose();

    private void AssertConsistent()
    {
        Assert.That(_pmm.Check(out var problem), Is.EqualTo(MemoryError.None), problem);
        var s = _pmm.Statistics;
        Assert.That(s.FreeFrames + s.UsedFrames + s.ReservedFrames, Is.EqualTo(s.TotalFrames));
    }

    [Test]
    public void The_first_frame_refills_a_batch_and_an_alloc_free_pair_stays_in_the_cache()
    {
        var boot = _pmm.Statistics;
        Assert.That(boot.Cache, Is.EqualTo(new FrameCacheStatistics(0, 0, 0)));
        var f = _pmm.AllocateFrame().Value;
        var s = _pmm.Statistics;
        Assert.That(s.Cache.Frames, Is.EqualTo((ulong)Batch - 1));
        Assert.That(s.Cache.Refills, Is.EqualTo(1));
        Assert.That(s.FreeFrames, Is.EqualTo(boot.FreeFrames - 1), "cached frames count as free");
        Assert.That(_pmm.UsageOf(f), Is.EqualTo(FrameUsage.Used));
        Assert.That(_pmm.ReferenceCount(f), Is.EqualTo(1));
        AssertConsistent();

        for (int i = 0; i < 1000; i++)
        {
            Assert.That(_pmm.FreeFrame(f), Is.EqualTo(MemoryError.None));
            var again = _pmm.AllocateFrame().Value;
            Assert.That(again, Is.EqualTo(f), "the frame freed last is handed out first");
        }
        Assert.That(_pmm.FreeFrame(f), Is.EqualTo(MemoryError.None));
        s = _pmm.Statistics;
        Assert.That(s.Cache.Frames, Is.EqualTo((ulong)Batch));
        Assert.That(s.Cache.Refills, Is.EqualTo(1), "the pairs never reached the buddy");
        Assert.That(s.FreeFrames, Is.EqualTo(boot.FreeFrames));
        Assert.That(s.FreeBlocks(0), Is.GreaterThanOrEqualTo((ulong)Batch), "cached frames are order-0 free blocks");
        AssertConsistent();
    }

    [Test]
    public void A_full_cache_drains_a_batch_and_a_drain_restores_the_boot_shape()
    {
        var boot = _pmm.Statistics;
        var frames = new List<PhysicalAddress>();
        for (int i = 0; i < 3 * Capacity; i++) frames.Add(_pmm.AllocateFrame().Value);
        foreach (var f in frames) Assert.That(_pmm.FreeFrame(f), Is.EqualTo(MemoryError.None));
        var s = _pmm.Statistics;
        Assert.That(s.Cache.Frames, Is.LessThanOrEqualTo((ulong)Capacity));
        Assert.That(s.Cache.Drains, Is.GreaterThan(0));
        Assert.That(s.FreeFrames, Is.EqualTo(boot.FreeFrames));
        AssertConsistent();

        Assert.That(_pmm.DrainFrameCache(), Is.EqualTo((int)s.Cache.Frames));
        s = _pmm.Statistics;
        Assert.That(s.Cache.Frames, Is.Zero);
        for (int o = 0; o <= PhysicalMemoryManager.MaxOrder; o++)
            Assert.That(s.FreeBlocks(o), Is.EqualTo(boot.FreeBlocks(o)), $"order {o}");
        AssertConsistent();
    }

    [Test]
    public void A_cached_frame_is_free_for_every_question()
    {
        var f = _pmm.AllocateFrame().Value;
        Assert.That(_pmm.FreeFrame(f), Is.EqualTo(MemoryError.None));
        Assert.That(_pmm.Statistics.Cache.Frames, Is.GreaterThan(0));
        Assert.That(_pmm.FreeFrame(f), Is.EqualTo(MemoryError.DoubleFree));
        Assert.That(_pmm.AddReference(f), Is.EqualTo(MemoryError.NotAllocated));
        Assert.That(_pmm.SetUsage(f, FrameUsage.Heap), Is.EqualTo(MemoryError.NotAllocated));
        Assert.That(_pmm.FreeContiguous(f, 0), Is.EqualTo(MemoryError.DoubleFree));
        Assert.That(_pmm.UsageOf(f), Is.EqualTo(FrameUsage.Free));
        Assert.That(_pmm.ReferenceCount(f), Is.Zero);
        AssertConsistent();
    }

    [Test]
    public void A_write_into_a_cached_frame_is_caught_by_the_check()
    {
        var f = _pmm.AllocateFrame().Value;
        _pmm.FreeFrame(f);
        _ram.Write64(f + 16, 0xdead);
        Assert.That(_pmm.Check(out var problem), Is.EqualTo(MemoryError.Conflict));
        Assert.That(problem, Does.Contain("cached frame").And.Contain("overwritten"));
    }

    [Test]
    public void Larger_runs_still_come_when_only_cached_frames_can_complete_them()
    {
        // Take every frame singly, give all back: the last ones wait in the cache, and the buddy alone no longer
        // holds the largest block. A run of the largest order must still be found (the cache is drained for it).
        var frames = new List<PhysicalAddress>();
        for (var r = _pmm.AllocateFrame(); r.Ok; r = _pmm.AllocateFrame()) frames.Add(r.Value);
        Assert.That((ulong)frames.Count, Is.EqualTo(_pmm.Statistics.UsableFrames), "every usable frame, once");
        Assert.That(new HashSet<PhysicalAddress>(frames).Count, Is.EqualTo(frames.Count));
        var constrained = _pmm.AllocateContiguous(0, FrameConstraints.Below(new PhysicalAddress(16 * Fixtures.MiB)),
            FrameUsage.Used);
        Assert.That(constrained.Error, Is.EqualTo(MemoryError.OutOfMemory));
        foreach (var f in frames) _pmm.FreeFrame(f);
        Assert.That(_pmm.Statistics.Cache.Frames, Is.GreaterThan(0));
        int largest = _pmm.Statistics.LargestFreeOrder;
        var big = new List<PhysicalAddress>();
        for (var r = _pmm.AllocateContiguous(largest, FrameConstraints.None, FrameUsage.Used); r.Ok;
             r = _pmm.AllocateContiguous(largest, FrameConstraints.None, FrameUsage.Used))
            big.Add(r.Value);
        Assert.That(_pmm.Statistics.Cache.Frames, Is.Zero, "drained to complete the runs");
        AssertConsistent();
        foreach (var b in big) Assert.That(_pmm.FreeContiguous(b, largest), Is.EqualTo(MemoryError.None));
        AssertConsistent();
    }

    [Test]
    public void Frees_alternating_between_two_zones_keep_every_answer_and_the_check()
    {
        // QEMU's 4 GiB map has two zones (below the PCI hole and above 4 GiB); the free path tries the zone of the
        // last free first, so alternate between them and check each answer and the whole state.
        using var ram = new SimulatedRam(5 * Fixtures.GiB);
        var pmm = new PhysicalMemoryManager(Fixtures.Booted(Fixtures.Qemu4G()), ram);
        var taken = new List<PhysicalAddress>();
        PhysicalAddress low = default, high = default;
        for (var r = pmm.AllocateFrame(); r.Ok; r = pmm.AllocateFrame())
        {
            taken.Add(r.Value);
            if (low.Value == 0) low = r.Value;
            if (r.Value.Value >= 4 * Fixtures.GiB) { high = r.Value; break; }
        }
        Assert.That(low.Value, Is.LessThan(4 * Fixtures.GiB));
        Assert.That(high.Value, Is.GreaterThanOrEqualTo(4 * Fixtures.GiB), "a frame of the second zone");
        for (int i = 0; i < 100; i++)
        {
            var f = i % 2 == 0 ? low : high;
            Assert.That(pmm.AddReference(f), Is.EqualTo(MemoryError.None));
            Assert.That(pmm.FreeFrame(f), Is.EqualTo(MemoryError.None), "drops the extra reference");
            Assert.That(pmm.ReferenceCount(f), Is.EqualTo(1));
            Assert.That(pmm.FreeFrame(f + 8), Is.EqualTo(MemoryError.Misaligned));
            Assert.That(pmm.FreeFrame(f), Is.EqualTo(MemoryError.None));
            Assert.That(pmm.FreeFrame(f), Is.EqualTo(MemoryError.DoubleFree));
            Assert.That(pmm.UsageOf(f), Is.EqualTo(FrameUsage.Free));
            var again = pmm.AllocateFrame();
            Assert.That(again.Value, Is.EqualTo(f), "the frame freed last comes back first");
        }
        Assert.That(pmm.FreeFrame(new PhysicalAddress(0x50000)), Is.EqualTo(MemoryError.ReservedFrame));
        Assert.That(pmm.FreeFrame(new PhysicalAddress(0xc000_0000)), Is.EqualTo(MemoryError.UnknownFrame));
        Assert.That(pmm.Check(out var problem), Is.EqualTo(MemoryError.None), problem);
        foreach (var f in taken) Assert.That(pmm.FreeFrame(f), Is.EqualTo(MemoryError.None));
        Assert.That(pmm.Check(out problem), Is.EqualTo(MemoryError.None), problem);
        Assert.That(pmm.Statistics.UsedFrames, Is.Zero);
    }

    [Test]
    public void CopyCachedFrames_lists_the_frames_in_the_cache_coldest_first()
    {
        var f = _pmm.AllocateFrame().Value;
        var into = new PhysicalAddress[Capacity];
        int n = _pmm.CopyCachedFrames(into);
        Assert.That((ulong)n, Is.EqualTo(_pmm.Statistics.Cache.Frames));
        Assert.That(into[..n], Does.Not.Contain(f), "a taken frame is not in the cache");
        Assert.That(_pmm.FreeFrame(f), Is.EqualTo(MemoryError.None));
        n = _pmm.CopyCachedFrames(into);
        Assert.That((ulong)n, Is.EqualTo(_pmm.Statistics.Cache.Frames));
        Assert.That(into[n - 1], Is.EqualTo(f), "the frame freed last is on top");
        Assert.That(into[..n], Is.Unique);
        foreach (PhysicalAddress c in into[..n])
            Assert.That(_pmm.UsageOf(c), Is.EqualTo(FrameUsage.Free), "cached frames are free");
        Assert.That(_pmm.CopyCachedFrames(into.AsSpan(0, 2)), Is.EqualTo(2), "never more than the destination holds");
        _pmm.DrainFrameCache();
        Assert.That(_pmm.CopyCachedFrames(into), Is.Zero, "drained back to the buddy");
    }
}
