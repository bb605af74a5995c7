using MemOS.Memory;
using MemOS.Memory.Faults;
using MemOS.Memory.Paging;
using MemOS.Memory.Virtual;
using MemOS.Tests.Memory.Simulation;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Virtual;

/// <summary>
/// The first touch of a committed (charged) page takes the frame charged for it, whether the fault action is called
/// directly or through the resolver (which reads the marker in the page table its walk found), and only that page:
/// its uncommitted neighbour in the same page table still gets the shared zero page on a read.
/// </summary>
public class CommittedPageFirstTouchTests
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
        Assert.That(_space.Commit(_region, V(Base), Page), Is.EqualTo(MemoryError.None));
        Assert.That(_region.ChargedPages, Is.EqualTo(1UL));
        Assert.That(_rig.Frames.ChargedFrames, Is.EqualTo(1));
    }

    [TearDown]
    public void TearDown() => _rig.Dispose();

    private static VirtualAddress V(ulong v) => new(v);

    [Test]
    public void A_demand_page_mapped_directly_spends_its_charge()
    {
        var frame = _space.MapDemandPage(_region, V(Base));
        Assert.That(frame.Ok, Is.True);
        Assert.That(_region.ChargedPages, Is.Zero);
        Assert.That(_rig.Frames.ChargedFrames, Is.Zero, "the charged frame was taken, not a fresh one");
        Assert.That(_space.PageTable.IsCharged(V(Base)), Is.False);
        Assert.That(_space.PageTable.Lookup(V(Base)).Frame, Is.EqualTo(frame.Value));
    }

    [Test]
    public void A_zero_page_read_of_a_committed_page_maps_its_own_frame_instead()
    {
        var resolver = PageFaultResolver.Create(_rig.Ram, _rig.Frames).Value;
        Assert.That(_space.MapZeroPage(_region, V(Base), resolver.ZeroPage), Is.EqualTo(MemoryError.None));
        var lookup = _space.PageTable.Lookup(V(Base));
        Assert.That(lookup.Frame, Is.Not.EqualTo(resolver.ZeroPage));
        Assert.That(lookup.Flags & PageFlags.Writable, Is.EqualTo(PageFlags.Writable));
        Assert.That(_region.ChargedPages, Is.Zero);
        Assert.That(_rig.Frames.ChargedFrames, Is.Zero);
    }

    [Test]
    public void Through_the_resolver_only_the_committed_page_takes_a_frame_of_its_own()
    {
        var resolver = PageFaultResolver.Create(_rig.Ram, _rig.Frames).Value;
        var read = ErrorCode.From(false, false, true, instruction: false);

        resolver.Resolve(_space, V(Base + Page), read);
        var neighbour = _space.PageTable.Lookup(V(Base + Page));
        Assert.That(neighbour.Frame, Is.EqualTo(resolver.ZeroPage), "not committed: the shared zero page");
        Assert.That(neighbour.Flags & PageFlags.Writable, Is.EqualTo(PageFlags.None));
        Assert.That(_region.ChargedPages, Is.EqualTo(1UL), "the committed page's charge is untouched");
        Assert.That(_rig.Frames.ChargedFrames, Is.EqualTo(1));

        resolver.Resolve(_space, V(Base), read);
        var committed = _space.PageTable.Lookup(V(Base));
        Assert.That(committed.Frame, Is.Not.EqualTo(resolver.ZeroPage), "committed: its charged frame");
        Assert.That(committed.Flags & PageFlags.Writable, Is.EqualTo(PageFlags.Writable));
        Assert.That(_region.ChargedPages, Is.Zero);
        Assert.That(_rig.Frames.ChargedFrames, Is.Zero);
    }
}
