using System.Collections.Generic;
using MemOS.Memory;
using MemOS.Memory.Physical;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Physical;

/// <summary>
/// How usable ranges become zones: a hole joins the zone around it while it is at most a 32nd of the usable frames
/// on both sides (counting every range already joined); a larger one starts a new zone. And a PMM of several zones,
/// each with holes (so several fresh runs per zone), hands out every usable frame exactly once and takes them back.
/// </summary>
[TestFixture]
public sealed class ZoneLayoutTests
{
    private const ulong Frame = 4096, Base = 0x100000;

    // Usable ranges of `frames` frames each, separated by holes of `gaps[i]` frames, from 1 MiB up.
    private static MemoryMap Map(ulong frames, params ulong[] gaps)
    {
        var entries = new List<MemoryMapEntry>();
        ulong at = Base;
        for (int i = 0; i <= gaps.Length; i++)
        {
            entries.Add(new MemoryMapEntry(at, frames * Frame, 1));
            at += frames * Frame + (i < gaps.Length ? gaps[i] * Frame : 0);
        }
        return new MemoryMap(entries.ToArray());
    }

    private static int Zones(MemoryMap map)
        => new PmmInternals(new PhysicalMemoryManager(map, new SparsePhysicalMemory())).Length("_zones");

    [TestCase(16UL, 1)] // 16 x 32 = 512 = 256 + 256: joins
    [TestCase(17UL, 2)] // 544 > 512: a zone of its own
    public void A_hole_joins_while_it_is_at_most_a_32nd_of_the_frames_around_it(ulong gap, int zones)
        => Assert.That(Zones(Map(256, gap)), Is.EqualTo(zones));

    [TestCase(24UL, 1)] // 24 x 32 = 768 = (256 + 256 already joined) + 256
    [TestCase(25UL, 2)]
    public void The_frames_already_joined_count_for_the_next_hole(ulong secondGap, int zones)
        => Assert.That(Zones(Map(256, 16, secondGap)), Is.EqualTo(zones));

    [Test]
    public void Every_frame_of_zones_with_holes_is_handed_out_once_and_taken_back()
    {
        // Two zones (the 200-frame hole splits them), each with a 4-frame hole inside: four fresh runs.
        var map = Map(100, 4, 200, 4);
        var pmm = new PhysicalMemoryManager(map, new SparsePhysicalMemory());
        Assert.That(new PmmInternals(pmm).Length("_zones"), Is.EqualTo(2));
        ulong usable = map.UsableBytes / Frame;
        Assert.That(pmm.FreeFrameCount, Is.EqualTo(usable));
        var seen = new HashSet<ulong>();
        for (Result<PhysicalAddress> r = pmm.AllocateFrame(); r.Ok; r = pmm.AllocateFrame())
        {
            Assert.That(map.TryGetType(r.Value, out var type) && type == MemoryType.Usable, Is.True,
                $"{r.Value} is usable memory");
            Assert.That(seen.Add(r.Value.Value), Is.True, $"{r.Value} handed out twice");
        }
        Assert.That((ulong)seen.Count, Is.EqualTo(usable), "every usable frame, none else");
        Assert.That(pmm.FreeFrameCount, Is.Zero);
        Assert.That(pmm.Check(out string? problem), Is.EqualTo(MemoryError.None), problem);
        foreach (ulong a in seen) Assert.That(pmm.FreeFrame(new PhysicalAddress(a)), Is.EqualTo(MemoryError.None));
        pmm.DrainFrameCache();
        Assert.That(pmm.FreeFrameCount, Is.EqualTo(usable));
        Assert.That(pmm.Check(out problem), Is.EqualTo(MemoryError.None), problem);
        // Merged back: aligned 64-frame blocks exist again (frames 0x100-0x13f is one), none was left in pieces.
        var block = pmm.AllocateContiguous(6, FrameConstraints.None, FrameUsage.Used);
        Assert.That(block.Ok && block.Value.Value % (64 * Frame) == 0, Is.True, block.ToString());
    }
}
