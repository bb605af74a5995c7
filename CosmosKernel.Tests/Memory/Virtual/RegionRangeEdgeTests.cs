using MemOS.Memory;
using MemOS.Memory.Virtual;
using MemOS.Tests.Memory.Simulation;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Virtual;

/// <summary>
/// The edges of where a region may lie: the last page of the lower half is usable and one page more is not
/// canonical; in the upper half a region may end exactly where the never-used top page begins, and not reach into it.
/// </summary>
public class RegionRangeEdgeTests
{
    private const ulong Page = 4096;
    private const RegionFlags RW = RegionFlags.Read | RegionFlags.Write;
    private const ulong LowerHalfLastPage = 0x0000_7FFF_FFFF_F000;
    private const ulong TopPage = 0xFFFF_FFFF_FFFF_F000; // never handed out: Base + Length never wraps
    private Rig _rig = null!;
    private AddressSpace _space = null!;

    [SetUp]
    public void SetUp()
    {
        _rig = new Rig();
        _space = AddressSpace.Create(_rig.Ram, _rig.Frames, _rig.Tlb).Value;
    }

    [TearDown]
    public void TearDown() => _rig.Dispose();

    private MemoryError Create(ulong at, ulong pages, RegionFlags flags) => _space.CreateRegion("edge", pages * Page,
        flags, RegionPlacement.Fixed(new VirtualAddress(at)), RegionBacking.Demand).Error;

    [Test]
    public void The_last_page_of_the_lower_half_is_usable_and_a_region_past_it_is_not_canonical()
    {
        Assert.That(Create(LowerHalfLastPage - Page, 2, RW | RegionFlags.User), Is.EqualTo(MemoryError.None));
        var fresh = AddressSpace.Create(_rig.Ram, _rig.Frames, _rig.Tlb).Value;
        Assert.That(fresh.CreateRegion("past", 2 * Page, RW,
            RegionPlacement.Fixed(new VirtualAddress(LowerHalfLastPage)), RegionBacking.Demand).Error,
            Is.EqualTo(MemoryError.NonCanonical));
        Assert.That(fresh.Destroy(), Is.EqualTo(MemoryError.None));
    }

    [Test]
    public void An_upper_half_region_may_end_where_the_top_page_begins_and_not_reach_into_it()
    {
        Assert.That(Create(TopPage - 2 * Page, 2, RW), Is.EqualTo(MemoryError.None));
        var fresh = AddressSpace.Create(_rig.Ram, _rig.Frames, _rig.Tlb).Value;
        Assert.That(fresh.CreateRegion("top", Page, RW, RegionPlacement.Fixed(new VirtualAddress(TopPage)),
            RegionBacking.Demand).Error, Is.EqualTo(MemoryError.OutOfRange));
        Assert.That(fresh.CreateRegion("into", 2 * Page, RW,
            RegionPlacement.Fixed(new VirtualAddress(TopPage - Page)), RegionBacking.Demand).Error,
            Is.EqualTo(MemoryError.OutOfRange));
        Assert.That(fresh.Destroy(), Is.EqualTo(MemoryError.None));
    }
}
