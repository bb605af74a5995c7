using MemOS.Memory;
using MemOS.Memory.Paging;
using MemOS.Memory.Virtual;
using MemOS.Tests.Memory.Simulation;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Virtual;

/// <summary>
/// The VMM's fault actions called directly, as the resolver calls them: what each maps, which allocator it asks (a
/// user page respects the reserve, a kernel page does not), and that each failure gives back what it took.
/// </summary>
public class FaultActionTests
{
    private const ulong Page = 4096;
    private const ulong Base = 0x40_0000;
    private const RegionFlags URW = RegionFlags.Read | RegionFlags.Write | RegionFlags.User;
    private Rig _rig = null!;
    private AddressSpace _space = null!;
    private Region _region = null!;

    [SetUp]
    public void SetUp()
    {
        _rig = new Rig();
        _space = AddressSpace.Create(_rig.Ram, _rig.Frames, _rig.Tlb).Value;
        _region = _space.CreateRegion("heap", 4 * Page, URW, RegionPlacement.Fixed(V(Base)), RegionBacking.Demand)
            .Value;
    }

    [TearDown]
    public void TearDown() => _rig.Dispose();

    private static VirtualAddress V(ulong v) => new(v);

    [Test]
    public void The_zero_page_is_mapped_read_only_with_a_reference_and_an_unusable_one_is_refused()
    {
        var zero = _rig.Frames.AllocateFrame().Value;
        Assert.That(_space.MapZeroPage(_region, V(Base), zero), Is.EqualTo(MemoryError.None));
        var lookup = _space.PageTable.Lookup(V(Base));
        Assert.That(lookup.Frame, Is.EqualTo(zero));
        Assert.That(lookup.Flags, Is.EqualTo(PageFlags.Present | PageFlags.User | PageFlags.NoExecute));
        Assert.That(_rig.Frames.ReferenceCount(zero), Is.EqualTo(2));
        Assert.That(_region.ResidentPages, Is.EqualTo(1UL));

        Assert.That(_space.MapZeroPage(_region, V(Base + Page), new PhysicalAddress(0x1000)),
            Is.EqualTo(MemoryError.OutOfRange), "a frame whose count cannot grow");
        Assert.That(_space.MapZeroPage(_region, V(Base), zero), Is.EqualTo(MemoryError.AlreadyMapped));
        Assert.That(_rig.Frames.ReferenceCount(zero), Is.EqualTo(2), "the refused map gave its reference back");
        Assert.That(_region.ResidentPages, Is.EqualTo(1UL));
    }

    [Test]
    public void A_demand_page_is_a_zeroed_frame_with_the_region_permissions()
    {
        var frame = _space.MapDemandPage(_region, V(Base + Page)).Value;
        var lookup = _space.PageTable.Lookup(V(Base + Page));
        Assert.That(lookup.Frame, Is.EqualTo(frame));
        Assert.That(lookup.Flags, Is.EqualTo(_region.PageFlags));
        Assert.That(_rig.Ram.Read64(frame + 0x400), Is.Zero, "zeroed (the allocator hands out junk)");
        Assert.That(_region.ResidentPages, Is.EqualTo(1UL));

        int frames = _rig.Frames.AllocatedFrames;
        Assert.That(_space.MapDemandPage(_region, V(Base + Page)).Error, Is.EqualTo(MemoryError.AlreadyMapped));
        Assert.That(_rig.Frames.AllocatedFrames, Is.EqualTo(frames), "the frame taken for it went back");
        Assert.That(_region.ResidentPages, Is.EqualTo(1UL));
    }

    [Test]
    public void A_user_page_leaves_the_reserve_and_a_kernel_page_may_take_it()
    {
        _space.MapDemandPage(_region, V(Base)); // the tables
        _rig.Frames.ReserveFrames = _rig.Frames.FreeFrames;
        Assert.That(_space.MapDemandPage(_region, V(Base + Page)).Error, Is.EqualTo(MemoryError.OutOfMemory));
        var zero = _rig.Frames.AllocateFrame().Value;
        Assert.That(_space.MapZeroPage(_region, V(Base + Page), zero), Is.EqualTo(MemoryError.None));
        Assert.That(_space.CopyOnWrite(_region, V(Base + Page), zero, sourceIsZero: true).Error,
            Is.EqualTo(MemoryError.OutOfMemory));
        Assert.That(_space.PageTable.Lookup(V(Base + Page)).Frame, Is.EqualTo(zero), "still the zero page");

        _rig.Frames.ReserveFrames = 0;
        var kernel = _space.CreateRegion("k", 2 * Page, RegionFlags.Read | RegionFlags.Write,
            RegionPlacement.Fixed(V(0xFFFF_C000_0000_0000)), RegionBacking.Demand).Value;
        _space.MapDemandPage(kernel, kernel.Base); // the tables
        _rig.Frames.ReserveFrames = _rig.Frames.FreeFrames;
        Assert.That(_space.MapDemandPage(kernel, kernel.Base + Page).Ok, Is.True);
        Assert.That(_space.PageTable.Lookup(kernel.Base + Page).Flags & PageFlags.User, Is.EqualTo(PageFlags.None));
    }

    [Test]
    public void Copy_on_write_copies_or_zeroes_and_drops_the_old_reference()
    {
        var shared = _rig.Frames.AllocateFrame().Value;
        _rig.Ram.Write64(shared + 8, 0xABCD);
        Assert.That(_space.ShareFrame(_region, V(Base), shared), Is.EqualTo(MemoryError.None));
        var copy = _space.CopyOnWrite(_region, V(Base), shared, sourceIsZero: false).Value;
        Assert.That(_rig.Ram.Read64(copy + 8), Is.EqualTo(0xABCDUL));
        Assert.That(_rig.Frames.ReferenceCount(shared), Is.EqualTo(1));
        Assert.That(_space.PageTable.Lookup(V(Base)).Flags, Is.EqualTo(_region.PageFlags));

        Assert.That(_space.ShareFrame(_region, V(Base + Page), shared), Is.EqualTo(MemoryError.None));
        var zeroed = _space.CopyOnWrite(_region, V(Base + Page), shared, sourceIsZero: true).Value;
        Assert.That(_rig.Ram.Read64(zeroed + 8), Is.Zero, "the zero page's copy is made by zeroing");
        Assert.That(_rig.Frames.ReferenceCount(shared), Is.EqualTo(1));

        int frames = _rig.Frames.AllocatedFrames;
        Assert.That(_space.CopyOnWrite(_region, V(Base + 2 * Page), shared, sourceIsZero: false).Error,
            Is.EqualTo(MemoryError.NotMapped));
        Assert.That(_rig.Frames.AllocatedFrames, Is.EqualTo(frames), "the new frame went back");
        Assert.That(_rig.Frames.ReferenceCount(shared), Is.EqualTo(1));
    }

    [Test]
    public void Make_writable_gives_the_region_permissions_in_place()
    {
        var frame = _rig.Frames.AllocateFrame().Value;
        Assert.That(_space.ShareFrame(_region, V(Base), frame), Is.EqualTo(MemoryError.None));
        _rig.Frames.FreeFrame(frame);
        Assert.That(_space.MakeWritable(_region, V(Base), frame), Is.EqualTo(MemoryError.None));
        var lookup = _space.PageTable.Lookup(V(Base));
        Assert.That(lookup.Frame, Is.EqualTo(frame));
        Assert.That(lookup.Flags, Is.EqualTo(_region.PageFlags));
        Assert.That(_space.MakeWritable(_region, V(Base + Page), frame), Is.EqualTo(MemoryError.NotMapped));
    }

    [Test]
    public void Share_frame_refuses_bad_pages_and_regions_and_replaces_a_charge()
    {
        var frame = _rig.Frames.AllocateFrame().Value;
        var mmio = _space.CreateMmioRegion("dev", new PhysicalAddress(0x20_0000), Page,
            RegionFlags.Read | RegionFlags.Write, RegionPlacement.Fixed(V(0x100_0000))).Value;
        var other = AddressSpace.Create(_rig.Ram, _rig.Frames, _rig.Tlb).Value;
        Assert.Multiple(() =>
        {
            Assert.That(other.ShareFrame(_region, V(Base), frame), Is.EqualTo(MemoryError.NoRegion));
            Assert.That(_space.ShareFrame(_region, V(Base + 8), frame), Is.EqualTo(MemoryError.Misaligned));
            Assert.That(_space.ShareFrame(_region, V(Base), frame + 8), Is.EqualTo(MemoryError.Misaligned));
            Assert.That(_space.ShareFrame(_region, V(Base - Page), frame), Is.EqualTo(MemoryError.OutOfRange));
            Assert.That(_space.ShareFrame(mmio, mmio.Base, frame), Is.EqualTo(MemoryError.InvalidArgument));
        });
        Assert.That(_rig.Frames.ReferenceCount(frame), Is.EqualTo(1));

        Assert.That(_space.Commit(_region, V(Base), Page), Is.EqualTo(MemoryError.None));
        Assert.That(_region.ChargedPages, Is.EqualTo(1UL));
        Assert.That(_space.ShareFrame(_region, V(Base), frame), Is.EqualTo(MemoryError.None));
        Assert.That(_region.ChargedPages, Is.Zero, "the shared frame replaces the committed page's promise");
        Assert.That(_rig.Frames.ChargedFrames, Is.Zero);
        Assert.That(_space.PageTable.Lookup(V(Base)).Frame, Is.EqualTo(frame));
    }
}
