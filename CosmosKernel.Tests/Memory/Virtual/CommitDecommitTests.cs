using MemOS.Memory;
using MemOS.Memory.Paging;
using MemOS.Memory.Virtual;
using MemOS.Tests.Memory.Simulation;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Virtual;

/// <summary>
/// Commit and decommit on every kind of page (immediate, shared read-only, MMIO, out of range) and their failures:
/// a committed page is writable without a fault that can fail, a decommitted one gives its frame back.
/// </summary>
public class CommitDecommitTests
{
    private const ulong Page = 4096;
    private const ulong Base = 0x40_0000;
    private const RegionFlags URW = RegionFlags.Read | RegionFlags.Write | RegionFlags.User;
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

    private static VirtualAddress V(ulong v) => new(v);

    private Region Create(ulong pages, RegionBacking backing, RegionFlags flags = URW)
        => _space.CreateRegion("r", pages * Page, flags, RegionPlacement.Fixed(V(Base)), backing).Value;

    private bool Writable(ulong va)
    {
        var lookup = _space.PageTable.Lookup(V(va));
        return lookup.IsMapped && (lookup.Flags & PageFlags.Writable) != 0;
    }

    [Test]
    public void An_unmapped_page_of_an_immediate_part_gets_a_zeroed_frame_now()
    {
        var region = Create(1, RegionBacking.Demand);
        Assert.That(_space.Grow(region, 2 * Page, RegionBacking.Immediate), Is.EqualTo(MemoryError.None));
        Assert.That(_space.Decommit(region, V(Base + Page), Page), Is.EqualTo(MemoryError.None));
        Assert.That(region.ResidentPages, Is.EqualTo(1UL));
        Assert.That(_space.Commit(region, V(Base + Page + 8), 16), Is.EqualTo(MemoryError.None));
        Assert.That(Writable(Base + Page), Is.True);
        Assert.That(region.ResidentPages, Is.EqualTo(2UL));
        Assert.That(region.ChargedPages, Is.Zero, "not a demand page: no charge");
        Assert.That(_rig.Ram.Read64(_space.PageTable.Lookup(V(Base + Page)).Frame + 0x800), Is.Zero, "zeroed");
        Assert.That(Writable(Base), Is.False, "the demand page before it is left alone");
    }

    [Test]
    public void A_shared_read_only_page_gets_its_own_copy()
    {
        var region = Create(2, RegionBacking.Demand);
        var shared = _rig.Frames.AllocateFrame().Value;
        _rig.Ram.Write64(shared + 0x10, 0x1234_5678);
        Assert.That(_space.ShareFrame(region, V(Base + Page), shared), Is.EqualTo(MemoryError.None));
        Assert.That(_rig.Frames.ReferenceCount(shared), Is.EqualTo(2));
        Assert.That(_space.Commit(region, V(Base + Page), Page), Is.EqualTo(MemoryError.None));
        var lookup = _space.PageTable.Lookup(V(Base + Page));
        Assert.That(Writable(Base + Page), Is.True);
        Assert.That(lookup.Frame, Is.Not.EqualTo(shared));
        Assert.That(_rig.Ram.Read64(lookup.Frame + 0x10), Is.EqualTo(0x1234_5678UL), "the contents were kept");
        Assert.That(_rig.Frames.ReferenceCount(shared), Is.EqualTo(1), "the shared frame lost the page's reference");
        Assert.That(region.ResidentPages, Is.EqualTo(1UL), "a page replaced, not added");
        int frames = _rig.Frames.AllocatedFrames;
        Assert.That(_space.Commit(region, V(Base + Page), Page), Is.EqualTo(MemoryError.None));
        Assert.That(_rig.Frames.AllocatedFrames, Is.EqualTo(frames), "a writable page needs nothing");
    }

    [Test]
    public void Out_of_frames_stops_at_the_first_page_that_cannot_be_made_safe()
    {
        var region = Create(3, RegionBacking.Immediate);
        Assert.That(_space.Decommit(region, V(Base + Page), 2 * Page), Is.EqualTo(MemoryError.None));
        _rig.Frames.FailAfter = 1;
        Assert.That(_space.Commit(region, V(Base), 3 * Page), Is.EqualTo(MemoryError.OutOfMemory));
        Assert.That(Writable(Base + Page), Is.True, "the page done stays");
        Assert.That(_space.PageTable.Lookup(V(Base + 2 * Page)).IsMapped, Is.False);
        Assert.That(region.ResidentPages, Is.EqualTo(2UL));

        _rig.Frames.FailAfter = null;
        var shared = Create2Shared(out var sharedRegion);
        _rig.Frames.FailAfter = 0;
        Assert.That(_space.Commit(sharedRegion, sharedRegion.Base, Page), Is.EqualTo(MemoryError.OutOfMemory));
        Assert.That(_space.PageTable.Lookup(sharedRegion.Base).Frame, Is.EqualTo(shared), "still shared");
        Assert.That(_rig.Frames.ReferenceCount(shared), Is.EqualTo(2));
    }

    private PhysicalAddress Create2Shared(out Region region)
    {
        region = _space.CreateRegion("s", Page, URW, RegionPlacement.Fixed(V(0x100_0000)), RegionBacking.Demand)
            .Value;
        var shared = _rig.Frames.AllocateFrame().Value;
        Assert.That(_space.ShareFrame(region, region.Base, shared), Is.EqualTo(MemoryError.None));
        return shared;
    }

    [Test]
    public void A_2M_mapping_in_the_range_is_a_conflict()
    {
        var region = Create(512, RegionBacking.Demand, RegionFlags.Read | RegionFlags.User);
        Assert.That(_space.PageTable.Map(V(Base), new PhysicalAddress(0x80_0000), PageFlags.User, PageSize.Size2M).Ok,
            Is.True);
        Assert.That(_space.Commit(region, V(Base + Page), Page), Is.EqualTo(MemoryError.Conflict));
    }

    [Test]
    public void Mmio_needs_no_commit_and_refuses_a_decommit()
    {
        var region = _space.CreateMmioRegion("dev", new PhysicalAddress(0x20_0000), 2 * Page,
            RegionFlags.Read | RegionFlags.Write, RegionPlacement.Fixed(V(Base))).Value;
        int frames = _rig.Frames.AllocatedFrames;
        Assert.That(_space.Commit(region, V(Base), 2 * Page), Is.EqualTo(MemoryError.None));
        Assert.That(_space.Decommit(region, V(Base), Page), Is.EqualTo(MemoryError.InvalidArgument));
        Assert.That(_rig.Frames.AllocatedFrames, Is.EqualTo(frames));
        Assert.That(_space.PageTable.Lookup(V(Base)).Frame, Is.EqualTo(new PhysicalAddress(0x20_0000)));
    }

    [Test]
    public void Ranges_outside_the_region_or_of_another_space_are_refused()
    {
        var region = Create(2, RegionBacking.Demand);
        Assert.Multiple(() =>
        {
            Assert.That(_space.Commit(region, V(Base - Page), Page), Is.EqualTo(MemoryError.OutOfRange), "before");
            Assert.That(_space.Commit(region, V(Base + Page), Page + 1), Is.EqualTo(MemoryError.OutOfRange),
                "past the end");
            Assert.That(_space.Commit(region, V(Base + 3 * Page), 0), Is.EqualTo(MemoryError.OutOfRange),
                "starts past the end");
            Assert.That(_space.Commit(region, V(Base + 2 * Page), 0), Is.EqualTo(MemoryError.None),
                "empty, at the end");
            Assert.That(_space.Commit(region, V(Base), ulong.MaxValue), Is.EqualTo(MemoryError.OutOfRange));
            Assert.That(_space.Decommit(region, V(Base + 8), Page), Is.EqualTo(MemoryError.Misaligned));
            Assert.That(_space.Decommit(region, V(Base), 8), Is.EqualTo(MemoryError.Misaligned));
            Assert.That(_space.Decommit(region, V(Base + Page), 2 * Page), Is.EqualTo(MemoryError.OutOfRange));
        });
        var other = AddressSpace.Create(_rig.Ram, _rig.Frames, _rig.Tlb).Value;
        Assert.That(other.Commit(region, V(Base), Page), Is.EqualTo(MemoryError.NoRegion));
        Assert.That(other.Decommit(region, V(Base), Page), Is.EqualTo(MemoryError.NoRegion));
        Assert.That(region.ChargedPages, Is.Zero);
        Assert.That(_rig.Frames.ChargedFrames, Is.Zero);
    }

    [Test]
    public void Decommit_returns_the_frames_of_whole_pages_and_keeps_the_region()
    {
        var region = Create(4, RegionBacking.Immediate);
        int frames = _rig.Frames.AllocatedFrames;
        Assert.That(_space.Decommit(region, V(Base + Page), 2 * Page), Is.EqualTo(MemoryError.None));
        Assert.That(_rig.Frames.AllocatedFrames, Is.EqualTo(frames - 2));
        Assert.That(region.ResidentPages, Is.EqualTo(2UL));
        Assert.That(region.Length, Is.EqualTo(4 * Page));
        Assert.That(_space.PageTable.Lookup(V(Base)).IsMapped, Is.True);
        Assert.That(_space.PageTable.Lookup(V(Base + Page)).IsMapped, Is.False);
        Assert.That(_space.PageTable.Lookup(V(Base + 2 * Page)).IsMapped, Is.False);
        Assert.That(_space.PageTable.Lookup(V(Base + 3 * Page)).IsMapped, Is.True);
    }

    [Test]
    public void A_kernel_region_commits_from_the_reserve_and_a_user_region_does_not()
    {
        var user = Create(1, RegionBacking.Immediate);
        Assert.That(_space.Decommit(user, V(Base), Page), Is.EqualTo(MemoryError.None));
        var kernel = _space.CreateRegion("k", Page, RegionFlags.Read | RegionFlags.Write,
            RegionPlacement.Fixed(V(0xFFFF_C000_0000_0000)), RegionBacking.Immediate).Value;
        Assert.That(_space.Decommit(kernel, kernel.Base, Page), Is.EqualTo(MemoryError.None));
        _rig.Frames.ReserveFrames = _rig.Frames.FreeFrames;
        Assert.That(_space.Commit(user, V(Base), Page), Is.EqualTo(MemoryError.OutOfMemory), "only the reserve left");
        Assert.That(_space.Commit(kernel, kernel.Base, Page), Is.EqualTo(MemoryError.None), "the kernel may use it");
        Assert.That(Writable(kernel.Base.Value), Is.True);
    }
}
