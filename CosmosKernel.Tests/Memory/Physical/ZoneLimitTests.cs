using System.Collections.Generic;
using MemOS.Memory;
using MemOS.Memory.Physical;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Physical;

/// <summary>
/// A limit (FrameConstraints.Below) that does not fall on a zone's or a free block's edge: between two zones with
/// the low zone exhausted nothing qualifies (the high zone must not be handed out), and inside a free buddy block
/// only the part of it below the limit may be used, split off at the right order.
/// </summary>
public class ZoneLimitTests
{
    private const ulong MiB = 1024 * 1024, Frame = 4096;
    private const ulong HighZone = 0x1000_0000; // 256 MiB: far enough from the low zone to be a zone of its own

    private PhysicalMemoryManager _pmm = null!;
    private readonly List<(PhysicalAddress Address, int Order)> _taken = [];

    [SetUp]
    public void SetUp()
    {
        // low zone: 1-3 MiB; high zone: 256-260 MiB. Sparse: only the PMM's links are ever written.
        var map = new MemoryMap([new MemoryMapEntry(0, 0x9fc00, 1), new MemoryMapEntry(MiB, 2 * MiB, 1),
            new MemoryMapEntry(HighZone, 4 * MiB, 1)]);
        map.Reserve(new PhysicalAddress(0), MiB, ReservationKind.FirstMebibyte);
        _pmm = new PhysicalMemoryManager(map, new SparsePhysicalMemory());
        _taken.Clear();
    }

    private static PhysicalAddress P(ulong value) => new(value);

    private void ExhaustLowZone()
    {
        for (Result<PhysicalAddress> r; (r = _pmm.AllocateContiguous(0, FrameConstraints.Below(P(3 * MiB)),
                 FrameUsage.Used)).Ok;)
            _taken.Add((r.Value, 0));
        Assert.That(_taken, Has.Count.EqualTo(512), "every frame of 1-3 MiB");
    }

    private void FreeEverything()
    {
        foreach (var (address, order) in _taken)
            Assert.That(_pmm.FreeContiguous(address, order), Is.EqualTo(MemoryError.None));
        _pmm.DrainFrameCache(); // single frames freed wait in the frame cache; drained, they coalesce
        Assert.That(_pmm.Check(out string? problem), Is.EqualTo(MemoryError.None), problem);
        Assert.That(_pmm.Statistics.FreeFrames, Is.EqualTo(_pmm.Statistics.UsableFrames), "all back, coalesced");
        Assert.That(_pmm.Statistics.LargestFreeOrder, Is.EqualTo(10), "the high zone whole again");
    }

    [Test]
    public void A_limit_between_the_zones_with_the_low_zone_exhausted_finds_nothing()
    {
        ExhaustLowZone();
        foreach (int order in new[] { 0, 3, 9 })
            Assert.That(_pmm.AllocateContiguous(order, FrameConstraints.Below(P(128 * MiB)), FrameUsage.Used).Error,
                Is.EqualTo(MemoryError.OutOfMemory), $"order {order}: the high zone lies above the limit");
        Assert.That(_pmm.AllocateContiguous(0, FrameConstraints.Below(P(HighZone)), FrameUsage.Used).Error,
            Is.EqualTo(MemoryError.OutOfMemory), "a limit exactly at the high zone's start excludes all of it");
        Assert.That(_pmm.Statistics.FreeFrames, Is.EqualTo(1024UL), "nothing taken by the refusals");
        FreeEverything();
    }

    [Test]
    public void A_limit_inside_a_free_block_yields_only_the_part_below_it()
    {
        ExhaustLowZone();
        // The high zone is one free 4 MiB block (order 10); the limit cuts it 1.5 MiB in.
        PhysicalAddress limit = P(HighZone + 3 * MiB / 2);
        var below = FrameConstraints.Below(limit);
        Assert.That(_pmm.AllocateContiguous(9, below, FrameUsage.Used).Error, Is.EqualTo(MemoryError.OutOfMemory),
            "no 2 MiB block ends at or below 1.5 MiB into the zone");
        Result<PhysicalAddress> mebibyte = _pmm.AllocateContiguous(8, below, FrameUsage.Used);
        Assert.That(mebibyte.Ok, mebibyte.ToString);
        Assert.That(mebibyte.Value, Is.EqualTo(P(HighZone)), "the only 1 MiB block wholly below the limit");
        _taken.Add((mebibyte.Value, 8));
        // the split left a free 1 MiB block at 1 MiB into the zone: it starts below the limit but ends above it
        Assert.That(_pmm.AllocateContiguous(8, below, FrameUsage.Used).Error, Is.EqualTo(MemoryError.OutOfMemory),
            "a block that straddles the limit does not qualify");
        Result<PhysicalAddress> half = _pmm.AllocateContiguous(7, below, FrameUsage.Used);
        Assert.That(half.Value, Is.EqualTo(P(HighZone + MiB)), "its lower half does");
        Assert.That(_pmm.FreeContiguous(half.Value, 7), Is.EqualTo(MemoryError.None));
        // what is left below the limit: 256 frames of 0x10100000..0x10180000; then nothing more
        int frames = 0;
        for (Result<PhysicalAddress> r; (r = _pmm.AllocateContiguous(0, below, FrameUsage.Used)).Ok; frames++)
        {
            Assert.That(r.Value.Value + Frame, Is.LessThanOrEqualTo(limit.Value), r.Value.ToString());
            Assert.That(r.Value.Value, Is.GreaterThanOrEqualTo(HighZone + MiB));
            _taken.Add((r.Value, 0));
        }
        Assert.That(frames, Is.EqualTo(128), "0.5 MiB of single frames between 1 MiB and the limit");
        Assert.That(_pmm.Statistics.FreeFrames, Is.EqualTo(640UL), "the 2.5 MiB above the limit stays free");
        Assert.That(_pmm.Check(out string? problem), Is.EqualTo(MemoryError.None), problem);
        FreeEverything();
    }

    [Test]
    public void A_run_that_ends_exactly_at_the_limit_is_given()
    {
        // The low zone starts at 1 MiB: a limit one frame above it leaves room for exactly its first frame.
        var r = _pmm.AllocateContiguous(0, FrameConstraints.Below(P(MiB + Frame)), FrameUsage.Used);
        Assert.That(r.Ok, Is.True, $"{r.Error}");
        Assert.That(r.Value, Is.EqualTo(P(MiB)));
        Assert.That(_pmm.AllocateContiguous(0, FrameConstraints.Below(P(MiB + Frame)), FrameUsage.Used).Error,
            Is.EqualTo(MemoryError.OutOfMemory), "and nothing more");
        Assert.That(_pmm.Check(), Is.EqualTo(MemoryError.None));
    }
}
