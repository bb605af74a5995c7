using System.Linq;
using MemOS.Memory;
using MemOS.Memory.Paging;
using MemOS.Memory.Tracing;
using MemOS.Memory.Virtual;
using MemOS.Tests.Memory.Simulation;
using MemOS.Tests.Memory.Tracing;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Virtual;

/// <summary>
/// What the VMM tells `trace` about each step: the region, where, how much, which frame and which backing, told before
/// the page-table steps it causes (creation, growth, shrinking) or after them (a fault action, freeing).
/// </summary>
public class AddressSpaceTraceTests
{
    private const ulong Page = 4096;
    private const ulong Base = 0x40_0000;
    private const RegionFlags URW = RegionFlags.Read | RegionFlags.Write | RegionFlags.User;
    private Rig _rig = null!;
    private AddressSpace _space = null!;
    private RecordingSink _trace = null!;

    [SetUp]
    public void SetUp()
    {
        _rig = new Rig();
        _space = AddressSpace.Create(_rig.Ram, _rig.Frames, _rig.Tlb).Value;
        _trace = new RecordingSink();
    }

    [TearDown]
    public void TearDown()
    {
        _trace.Dispose();
        _rig.Dispose();
    }

    private static VirtualAddress V(ulong v) => new(v);

    private MemoryEvent[] Take()
    {
        var events = _trace.Events.ToArray();
        _trace.Events.Clear();
        return events;
    }

    private Region Demand(ulong pages)
    {
        var region = _space.CreateRegion("heap", pages * Page, URW, RegionPlacement.Fixed(V(Base)),
            RegionBacking.Demand).Value;
        Take();
        return region;
    }

    private static void Expect(MemoryEvent e, MemoryEventKind kind, Region region, ulong address, ulong size = 0,
        ulong frame = 0, ulong value = 0, uint detail = 0)
    {
        Assert.That(e.Kind, Is.EqualTo(kind));
        Assert.That(e.Region, Is.SameAs(region), kind + " region");
        Assert.That(e.Address, Is.EqualTo(address), kind + " address");
        Assert.That(e.Size, Is.EqualTo(size), kind + " size");
        Assert.That(e.Frame, Is.EqualTo(frame), kind + " frame");
        Assert.That(e.Value, Is.EqualTo(value), kind + " value");
        Assert.That(e.Detail, Is.EqualTo(detail), kind + " detail");
    }

    [Test]
    public void Creating_an_immediate_region_tells_it_first_then_each_page_mapped()
    {
        var region = _space.CreateRegion("data", 2 * Page, URW, RegionPlacement.Fixed(V(Base))).Value;
        var events = Take();
        Expect(events[0], MemoryEventKind.RegionCreated, region, Base, 2 * Page,
            detail: (uint)RegionBacking.Immediate);
        Assert.That(events.Skip(1).Select(e => e.Kind), Is.EqualTo(new[]
        {
            MemoryEventKind.TableAllocated, MemoryEventKind.TableAllocated, MemoryEventKind.TableAllocated,
            MemoryEventKind.EntryWritten, MemoryEventKind.EntryWritten,
        }));
        Assert.That(events[0].Describe(), Is.EqualTo(
            "VMM: region data created at 0x400000, 8192 B, populated now (immediate)"));
    }

    [Test]
    public void Creating_a_demand_region_tells_it_and_maps_nothing()
    {
        var region = _space.CreateRegion("heap", 3 * Page, URW, RegionPlacement.Fixed(V(Base)),
            RegionBacking.Demand).Value;
        var events = Take();
        Assert.That(events, Has.Length.EqualTo(1));
        Expect(events[0], MemoryEventKind.RegionCreated, region, Base, 3 * Page, detail: (uint)RegionBacking.Demand);
    }

    [Test]
    public void Growing_tells_the_old_end_the_bytes_and_the_backing()
    {
        var region = Demand(1);
        Assert.That(_space.Grow(region, 2 * Page, RegionBacking.Immediate), Is.EqualTo(MemoryError.None));
        var events = Take();
        Expect(events[0], MemoryEventKind.RegionGrown, region, Base + Page, 2 * Page,
            detail: (uint)RegionBacking.Immediate);
        Assert.That(events.Count(e => e.Kind == MemoryEventKind.EntryWritten), Is.EqualTo(2));
        Assert.That(_space.Grow(region, Page, RegionBacking.Demand), Is.EqualTo(MemoryError.None));
        events = Take();
        Assert.That(events, Has.Length.EqualTo(1));
        Expect(events[0], MemoryEventKind.RegionGrown, region, Base + 3 * Page, Page,
            detail: (uint)RegionBacking.Demand);
    }

    [Test]
    public void Shrinking_tells_the_new_end_and_the_bytes_before_the_unmapping()
    {
        var region = _space.CreateRegion("data", 3 * Page, URW, RegionPlacement.Fixed(V(Base))).Value;
        Take();
        Assert.That(_space.Shrink(region, 2 * Page), Is.EqualTo(MemoryError.None));
        var events = Take();
        Expect(events[0], MemoryEventKind.RegionShrunk, region, Base + Page, 2 * Page);
        Assert.That(events.Skip(1).Select(e => e.Kind),
            Is.EqualTo(new[] { MemoryEventKind.EntryCleared, MemoryEventKind.EntryCleared }));
    }

    [Test]
    public void Freeing_tells_the_unmapping_then_the_region_freed()
    {
        var region = _space.CreateRegion("data", Page, URW, RegionPlacement.Fixed(V(Base))).Value;
        Take();
        Assert.That(_space.FreeRegion(region), Is.EqualTo(MemoryError.None));
        var events = Take();
        Assert.That(events[0].Kind, Is.EqualTo(MemoryEventKind.EntryCleared));
        Expect(events[^1], MemoryEventKind.RegionFreed, region, Base, Page);
    }

    [Test]
    public void Fault_actions_tell_the_page_and_its_frame()
    {
        var region = Demand(4);
        var zero = _rig.Frames.AllocateFrame().Value;
        Assert.That(_space.MapZeroPage(region, V(Base), zero), Is.EqualTo(MemoryError.None));
        var events = Take();
        Expect(events[^1], MemoryEventKind.ZeroPageMapped, region, Base, frame: zero.Value);

        var fresh = _space.MapDemandPage(region, V(Base + Page)).Value;
        events = Take();
        Expect(events[^1], MemoryEventKind.DemandPageMapped, region, Base + Page, frame: fresh.Value);

        var copy = _space.CopyOnWrite(region, V(Base), zero, sourceIsZero: true).Value;
        events = Take();
        Expect(events[^1], MemoryEventKind.PageCopied, region, Base, frame: copy.Value, value: 0);

        var shared = _rig.Frames.AllocateFrame().Value;
        Assert.That(_space.ShareFrame(region, V(Base + 2 * Page), shared), Is.EqualTo(MemoryError.None));
        Take();
        var copied = _space.CopyOnWrite(region, V(Base + 2 * Page), shared, sourceIsZero: false).Value;
        events = Take();
        Expect(events[^1], MemoryEventKind.PageCopied, region, Base + 2 * Page, frame: copied.Value,
            value: shared.Value);

        var own = _rig.Frames.AllocateFrame().Value;
        Assert.That(_space.ShareFrame(region, V(Base + 3 * Page), own), Is.EqualTo(MemoryError.None));
        _rig.Frames.FreeFrame(own); // the page is its only holder now
        Take();
        Assert.That(_space.MakeWritable(region, V(Base + 3 * Page), own), Is.EqualTo(MemoryError.None));
        events = Take();
        Expect(events[^1], MemoryEventKind.PageMadeWritable, region, Base + 3 * Page, frame: own.Value);
        Assert.That(_space.PageTable.Lookup(V(Base + 3 * Page)).Flags & PageFlags.Writable,
            Is.EqualTo(PageFlags.Writable));
    }

    [Test]
    public void Committing_a_demand_page_tells_its_charge()
    {
        var region = Demand(2);
        Assert.That(_space.Commit(region, V(Base + Page), Page), Is.EqualTo(MemoryError.None));
        var events = Take();
        Assert.That(events.Select(e => e.Kind), Is.EqualTo(new[]
        {
            MemoryEventKind.TableAllocated, MemoryEventKind.TableAllocated, MemoryEventKind.TableAllocated,
            MemoryEventKind.PageCharged,
        }), "the mark's tables are made now; no entry is written for a page that is not mapped");
        Expect(events[3], MemoryEventKind.PageCharged, region, Base + Page);
    }
}
