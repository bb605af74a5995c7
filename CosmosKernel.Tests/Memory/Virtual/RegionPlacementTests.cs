using MemOS.Memory;
using MemOS.Memory.Paging;
using MemOS.Memory.Virtual;
using MemOS.Tests.Memory.Simulation;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Virtual;

/// <summary>
/// Where regions go and what bounds them: guard pages of a chosen size, first fit around existing regions, ordered
/// listing, MMIO ranges that would wrap, growth that would overflow, and the permissions a region's pages get.
/// </summary>
public class RegionPlacementTests
{
    private const ulong Page = 4096;
    private const RegionFlags RW = RegionFlags.Read | RegionFlags.Write;
    private const RegionFlags URW = RW | RegionFlags.User;
    private Rig _rig = null!;

    [SetUp]
    public void SetUp() => _rig = new Rig();

    [TearDown]
    public void TearDown() => _rig.Dispose();

    private static VirtualAddress V(ulong v) => new(v);
    private static RegionPlacement Between(ulong low, ulong high) => RegionPlacement.FirstFit(V(low), V(high));

    private AddressSpace Space(int guardPages = 1)
        => AddressSpace.Create(_rig.Ram, _rig.Frames, _rig.Tlb, guardPages: guardPages).Value;

    [Test]
    public void The_guard_gap_is_as_many_pages_as_asked_and_zero_packs_regions()
    {
        Assert.That(AddressSpace.Create(_rig.Ram, _rig.Frames, _rig.Tlb, guardPages: -1).Error,
            Is.EqualTo(MemoryError.InvalidArgument));
        Assert.That(AddressSpace.Create(_rig.Ram, _rig.Frames, _rig.Tlb, guardPages: (1 << 20) + 1).Error,
            Is.EqualTo(MemoryError.InvalidArgument));
        Assert.That(Space(1 << 20).GuardBytes, Is.EqualTo((1UL << 20) * Page));

        var packed = Space(0);
        Assert.That(packed.GuardBytes, Is.Zero);
        var a = packed.CreateRegion("a", Page, URW, Between(0x40_0000, 0x80_0000), RegionBacking.Demand).Value;
        var b = packed.CreateRegion("b", Page, URW, Between(0x40_0000, 0x80_0000), RegionBacking.Demand).Value;
        Assert.That(b.Base, Is.EqualTo(a.End), "no gap");
        Assert.That(packed.Grow(a, Page), Is.EqualTo(MemoryError.NoSpace));

        var wide = Space(3);
        var c = wide.CreateRegion("c", Page, URW, Between(0x40_0000, 0x80_0000), RegionBacking.Demand).Value;
        var d = wide.CreateRegion("d", Page, URW, Between(0x40_0000, 0x80_0000), RegionBacking.Demand).Value;
        Assert.That(d.Base, Is.EqualTo(c.End + 3 * Page));
        Assert.That(wide.Grow(c, Page), Is.EqualTo(MemoryError.NoSpace), "growth keeps the whole guard gap");
        Assert.That(wide.FreeRegion(d), Is.EqualTo(MemoryError.None));
        Assert.That(wide.Grow(c, Page), Is.EqualTo(MemoryError.None));
    }

    [Test]
    public void First_fit_rounds_its_low_bound_up_and_fills_a_hole_between_regions()
    {
        var space = Space();
        var placed = space.CreateRegion("a", Page, URW, Between(0x40_0123, 0x80_0000), RegionBacking.Demand).Value;
        Assert.That(placed.Base, Is.EqualTo(V(0x40_1000)));
        var far = space.CreateRegion("far", Page, URW, RegionPlacement.Fixed(V(0x40_8000)), RegionBacking.Demand)
            .Value;
        var hole = space.CreateRegion("hole", 2 * Page, URW, Between(0x40_0000, 0x80_0000), RegionBacking.Demand)
            .Value;
        Assert.That(hole.Base, Is.EqualTo(V(0x40_3000)), "after a's guard page, before far's");
        var after = space.CreateRegion("after", 2 * Page, URW, Between(0x40_0000, 0x80_0000), RegionBacking.Demand)
            .Value;
        Assert.That(after.Base, Is.EqualTo(far.End + Page), "no room left before far");
        Assert.That(space.Regions.ToArray(), Is.EqualTo(new[] { placed, hole, far, after }), "address order");
        Assert.That(space.FindRegion(V(0x40_4fff)), Is.SameAs(hole));
        Assert.That(space.FreeRegion(hole), Is.EqualTo(MemoryError.None));
        Assert.That(space.Regions.ToArray(), Is.EqualTo(new[] { placed, far, after }));
        Assert.That(space.FindRegion(V(0x40_8000)), Is.SameAs(far));
        Assert.That(space.FindRegion(V(0x40_4000)), Is.Null);
    }

    [Test]
    public void First_fit_refuses_an_empty_or_wrapping_window()
    {
        var space = Space();
        Assert.That(space.CreateRegion("x", Page, URW, Between(0x40_0000, 0x40_0000)).Error,
            Is.EqualTo(MemoryError.InvalidArgument));
        Assert.That(space.CreateRegion("x", Page, URW, Between(0x40_1000, 0x40_0000)).Error,
            Is.EqualTo(MemoryError.InvalidArgument));
        Assert.That(space.CreateRegion("x", Page, RW, Between(0xFFFF_FFFF_FFFF_F001, ulong.MaxValue)).Error,
            Is.EqualTo(MemoryError.InvalidArgument), "rounding up wraps");
        Assert.That(space.CreateRegion("x", 2 * Page, URW, Between(0x40_0000, 0x40_2000)).Ok, Is.True,
            "exactly fits");
    }

    [Test]
    public void Regions_are_placed_and_counted_across_many_of_them()
    {
        var space = Space();
        for (int i = 0; i < 40; i++)
            Assert.That(space.CreateRegion("r" + i, Page, URW, Between(0x40_0000, 0x80_0000)).Ok, Is.True);
        Assert.That(space.RegionCount, Is.EqualTo(40));
        Assert.That(space.ResidentPages, Is.EqualTo(40UL));
        Assert.That(space.Regions[39].Base, Is.EqualTo(V(0x40_0000 + 39 * 2 * Page)));
        Assert.That(space.Destroy(), Is.EqualTo(MemoryError.None));
    }

    [Test]
    public void An_mmio_region_needs_length_and_a_range_that_does_not_wrap()
    {
        var space = Space();
        Assert.That(space.CreateMmioRegion("x", new PhysicalAddress(0x20_0000), 0, RW,
            RegionPlacement.Fixed(V(0x40_0000))).Error, Is.EqualTo(MemoryError.InvalidArgument));
        Assert.That(space.CreateMmioRegion("x", new PhysicalAddress(0xFFFF_FFFF_FFFF_F000), 2 * Page, RW,
            RegionPlacement.Fixed(V(0x40_0000))).Error, Is.EqualTo(MemoryError.OutOfRange));
        Assert.That(space.RegionCount, Is.Zero);
        Assert.That(_rig.Frames.AllocatedFrames, Is.EqualTo(1));
    }

    [Test]
    public void Growth_that_would_overflow_or_change_nothing_is_handled()
    {
        var space = Space();
        var region = space.CreateRegion("r", Page, URW, RegionPlacement.Fixed(V(0x40_0000))).Value;
        Assert.That(space.Grow(region, 0), Is.EqualTo(MemoryError.None));
        Assert.That(region.Length, Is.EqualTo(Page));
        Assert.That(space.Grow(region, 0xFFFF_FFFF_FFFF_F000), Is.EqualTo(MemoryError.OutOfRange));
        Assert.That(space.Grow(region, Page, RegionBacking.Mmio), Is.EqualTo(MemoryError.InvalidArgument));
        Assert.That(space.Shrink(region, 8), Is.EqualTo(MemoryError.Misaligned));
        Assert.That(region.Length, Is.EqualTo(Page));
        Assert.That(region.ResidentPages, Is.EqualTo(1UL));
    }

    [Test]
    public void A_region_gives_its_pages_its_permissions_and_prints_them()
    {
        var space = Space();
        var code = space.CreateRegion("code", Page, RegionFlags.Read | RegionFlags.Execute | RegionFlags.User,
            RegionPlacement.Fixed(V(0x40_0000))).Value;
        Assert.That(code.PageFlags, Is.EqualTo(PageFlags.Present | PageFlags.User));
        Assert.That(space.PageTable.Lookup(code.Base).Flags, Is.EqualTo(PageFlags.Present | PageFlags.User));
        Assert.That(code.IsExecutable && !code.IsWritable && code.IsUser && !code.IsMmio, Is.True);
        Assert.That(code.ToString(), Is.EqualTo("0x400000-0x401000 r-xu immediate 1/1 code"));

        var kernel = space.CreateRegion("kdata", 2 * Page, RegionFlags.Write,
            RegionPlacement.Fixed(V(0xFFFF_C000_0000_0000)), RegionBacking.Demand).Value;
        Assert.That(kernel.PageFlags, Is.EqualTo(PageFlags.Present | PageFlags.Writable | PageFlags.NoExecute));
        Assert.That(kernel.ToString(), Is.EqualTo("0xffffc00000000000-0xffffc00000002000 -w-- demand 0/2 kdata"));
        Assert.That(kernel.Contains(V(0xFFFF_C000_0000_1FFF)), Is.True);
        Assert.That(kernel.Contains(V(0xFFFF_C000_0000_2000)), Is.False);
        Assert.That(kernel.Contains(V(0xFFFF_BFFF_FFFF_FFFF)), Is.False);
    }

    [Test]
    public void Destroy_keeps_the_space_when_its_page_table_still_maps_a_page_no_region_owns()
    {
        var space = Space();
        space.CreateRegion("r", Page, URW, RegionPlacement.Fixed(V(0x40_0000)));
        Assert.That(space.PageTable.Map(V(0x80_0000), new PhysicalAddress(0x9000), PageFlags.Writable).Ok, Is.True);
        Assert.That(space.Destroy(), Is.EqualTo(MemoryError.Conflict));
        Assert.That(space.RegionCount, Is.Zero, "the regions went");
        Assert.That(space.PageTable.Unmap(V(0x80_0000)).Ok, Is.True);
        Assert.That(space.Destroy(), Is.EqualTo(MemoryError.None), "not marked destroyed by the failed attempt");
        Assert.That(_rig.Frames.AllocatedFrames, Is.Zero);
    }
}
