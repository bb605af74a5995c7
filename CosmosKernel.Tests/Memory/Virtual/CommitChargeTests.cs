using MemOS.Memory;
using MemOS.Memory.Faults;
using MemOS.Memory.Paging;
using MemOS.Memory.Physical;
using MemOS.Memory.Simulation;
using MemOS.Memory.Virtual;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Virtual;

/// <summary>
/// The commit charge: committing a demand page charges a frame and marks its entry, the first touch still faults and
/// takes the charged frame even when nothing else is left, a refused charge changes nothing, and decommit gives the
/// charge back.
/// </summary>
public sealed class CommitChargeTests
{
    private const ulong Base = 0x1000_0000;
    private SimulatedRam _ram = null!;
    private PhysicalMemoryManager _pmm = null!;
    private SimulatedMachine _machine = null!;
    private AddressSpace _space = null!;
    private Region _region = null!;

    [SetUp]
    public void SetUp()
    {
        _ram = new SimulatedRam(16UL << 20);
        var map = new MemoryMap(new MemoryMapEntry[] { new(0x100000, (16UL << 20) - 0x100000, 1) });
        _pmm = PhysicalMemoryManager.Create(map, _ram).Value;
        _machine = new SimulatedMachine(_ram, _pmm, PageFaultResolver.Create(_ram, _pmm).Value);
        _space = _machine.CreateAddressSpace().Value;
        _machine.Cr3 = _space;
        _region = _space.CreateRegion("user heap", 0, RegionFlags.Read | RegionFlags.Write | RegionFlags.User,
            RegionPlacement.Fixed(new VirtualAddress(Base)), RegionBacking.Demand).Value;
        Assert.That(_space.Grow(_region, 8 * 4096, RegionBacking.Demand), Is.EqualTo(MemoryError.None));
    }

    [TearDown]
    public void TearDown() => _ram.Dispose();

    // Takes every frame an ordinary allocation can get (the reserve included); returns them for the caller to free.
    private System.Collections.Generic.List<PhysicalAddress> Exhaust()
    {
        var taken = new System.Collections.Generic.List<PhysicalAddress>();
        for (var r = _pmm.AllocateFrame(); r.Ok; r = _pmm.AllocateFrame()) taken.Add(r.Value);
        return taken;
    }

    [Test]
    public void A_committed_demand_page_is_charged_not_mapped_and_its_first_touch_takes_the_charge()
    {
        var page = new VirtualAddress(Base + 4096);
        ulong free = _pmm.FreeFrameCount;
        Assert.That(_space.Commit(_region, page, 16), Is.EqualTo(MemoryError.None));
        Assert.That(_region.ResidentPages, Is.Zero, "nothing mapped");
        Assert.That(_region.ChargedPages, Is.EqualTo(1UL));
        Assert.That(_pmm.ChargedFrames, Is.EqualTo(1UL));
        Assert.That(_space.PageTable.IsCharged(page), Is.True);
        ulong tables = free - _pmm.FreeFrameCount; // the page's PDPT, PD and PT, made at commit
        Assert.That(tables, Is.EqualTo(3UL));
        Assert.That(_space.Commit(_region, page, 4096), Is.EqualTo(MemoryError.None), "twice: one charge");
        Assert.That(_pmm.ChargedFrames, Is.EqualTo(1UL));

        var taken = Exhaust(); // nothing left for anyone: only the charged frame
        Assert.That(_pmm.FreeFrameCount, Is.EqualTo(1UL));
        long faults = _machine.Statistics.Faults;
        Assert.That(_machine.Write64(page, 42).Ok, Is.True, "the first touch cannot fail");
        Assert.That(_machine.Statistics.Faults - faults, Is.EqualTo(1), "and it is a page fault");
        Assert.That(_region.ResidentPages, Is.EqualTo(1UL));
        Assert.That(_region.ChargedPages, Is.Zero);
        Assert.That(_pmm.ChargedFrames, Is.Zero);
        Assert.That(_pmm.FreeFrameCount, Is.Zero);
        Assert.That(_machine.Write64(new VirtualAddress(Base + 2 * 4096), 1).Ok, Is.False,
            "an uncharged demand page has no frame left");
        foreach (var f in taken) _pmm.FreeFrame(f);
    }

    [Test]
    public void A_charge_is_refused_with_nothing_changed_once_only_the_reserve_is_left()
    {
        var taken = new System.Collections.Generic.List<PhysicalAddress>();
        for (var r = _pmm.AllocateUserFrame(); r.Ok; r = _pmm.AllocateUserFrame()) taken.Add(r.Value);
        Assert.That(_pmm.FramesAboveReserve, Is.Zero);
        ulong free = _pmm.FreeFrameCount;
        Assert.That(_space.Commit(_region, new VirtualAddress(Base), 16), Is.EqualTo(MemoryError.OutOfMemory));
        Assert.That(_pmm.ChargedFrames, Is.Zero);
        Assert.That(_region.ChargedPages, Is.Zero);
        Assert.That(_pmm.FreeFrameCount, Is.EqualTo(free), "no table made either");
        foreach (var f in taken) _pmm.FreeFrame(f);
    }

    [Test]
    public void Kernel_allocations_never_take_charged_frames()
    {
        Assert.That(_space.Commit(_region, new VirtualAddress(Base), 3 * 4096), Is.EqualTo(MemoryError.None));
        Assert.That(_pmm.ChargedFrames, Is.EqualTo(3UL));
        var taken = Exhaust();
        Assert.That(_pmm.FreeFrameCount, Is.EqualTo(3UL), "the three charged frames stay free");
        Assert.That(_pmm.AllocateContiguous(0, default, FrameUsage.Used).Ok, Is.False);
        foreach (var f in taken) _pmm.FreeFrame(f);
    }

    [Test]
    public void Decommit_and_shrink_give_charges_back_and_the_tables_go_with_the_last_mark()
    {
        ulong free = _pmm.FreeFrameCount;
        Assert.That(_space.Commit(_region, new VirtualAddress(Base), 2 * 4096), Is.EqualTo(MemoryError.None));
        Assert.That(_space.Decommit(_region, new VirtualAddress(Base), 4096), Is.EqualTo(MemoryError.None));
        Assert.That(_pmm.ChargedFrames, Is.EqualTo(1UL));
        Assert.That(_region.ChargedPages, Is.EqualTo(1UL));
        Assert.That(_space.Shrink(_region, _region.Length), Is.EqualTo(MemoryError.None));
        Assert.That(_pmm.ChargedFrames, Is.Zero);
        Assert.That(_region.ChargedPages, Is.Zero);
        Assert.That(_pmm.FreeFrameCount, Is.EqualTo(free), "every table frame came back");
        Assert.That(_space.PageTable.Lookup(new VirtualAddress(Base)).IsMapped, Is.False);
    }

    [Test]
    public void A_read_of_a_committed_page_gives_it_its_own_frame_not_the_zero_page()
    {
        var page = new VirtualAddress(Base);
        Assert.That(_space.Commit(_region, page, 8), Is.EqualTo(MemoryError.None));
        Assert.That(_machine.Read64(page, out ulong value).Ok, Is.True);
        Assert.That(value, Is.Zero);
        var lookup = _space.PageTable.Lookup(page);
        Assert.That(lookup.IsMapped && (lookup.Flags & PageFlags.Writable) != 0, Is.True);
        Assert.That(_pmm.ChargedFrames, Is.Zero);
        long faults = _machine.Statistics.Faults;
        Assert.That(_machine.Write64(page, 1).Ok, Is.True);
        Assert.That(_machine.Statistics.Faults - faults, Is.Zero, "already writable");
    }
}
