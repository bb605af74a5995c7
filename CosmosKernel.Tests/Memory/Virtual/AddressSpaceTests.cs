using System;
using MemOS.Memory;
using MemOS.Memory.Paging;
using MemOS.Memory.Virtual;
using MemOS.Tests.Memory.Simulation;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Virtual;

public class AddressSpaceTests
{
    private const ulong Page = 4096;
    private const RegionFlags RW = RegionFlags.Read | RegionFlags.Write;
    private const RegionFlags URW = RW | RegionFlags.User;
    private static readonly VirtualAddress UserLow = new(0x40_0000);
    private static readonly VirtualAddress UserHigh = new(0x0000_8000_0000_0000);
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
    private static RegionPlacement At(ulong v) => RegionPlacement.Fixed(V(v));
    private static RegionPlacement Anywhere => RegionPlacement.FirstFit(UserLow, UserHigh);

    [Test]
    public void Immediate_region_maps_zeroed_frames_at_creation()
    {
        var region = _space.CreateRegion("data", 3 * Page, URW, At(0x40_0000)).Value;
        Assert.That(region.ResidentPages, Is.EqualTo(3UL));
        Assert.That(_rig.Frames.AllocatedFrames, Is.EqualTo(1 + 3 + 3), "root, PDPT/PD/PT, three data frames");
        for (ulong p = 0; p < 3; p++)
        {
            var lookup = _space.PageTable.Lookup(V(0x40_0000 + p * Page));
            Assert.That(lookup.Flags,
                Is.EqualTo(PageFlags.Present | PageFlags.Writable | PageFlags.User | PageFlags.NoExecute));
            Assert.That(_rig.Ram.Read64(lookup.Frame + 0x100), Is.Zero,
                "frame was zeroed (the allocator hands out junk)");
        }
        Assert.That(_space.FreeRegion(region), Is.EqualTo(MemoryError.None));
        Assert.That(_rig.Frames.AllocatedFrames, Is.EqualTo(1), "frames and tables returned");
        Assert.That(_space.RegionCount, Is.Zero);
        Assert.That(_space.FreeRegion(region), Is.EqualTo(MemoryError.NoRegion), "double free");
    }

    [Test]
    public void Demand_region_maps_nothing_until_touched()
    {
        var region = _space.CreateRegion("heap", 256 * Page, URW, Anywhere, RegionBacking.Demand).Value;
        Assert.That(region.ResidentPages, Is.Zero);
        Assert.That(_rig.Frames.AllocatedFrames, Is.EqualTo(1));
        Assert.That(_space.PageTable.Lookup(region.Base).IsMapped, Is.False);
    }

    [Test]
    public void Immediate_creation_out_of_memory_leaves_nothing()
    {
        _rig.Frames.FailAfter = 5; // 3 tables + 2 frames, the third frame fails
        Assert.That(_space.CreateRegion("big", 3 * Page, URW, At(0x40_0000)).Error,
            Is.EqualTo(MemoryError.OutOfMemory));
        Assert.That(_rig.Frames.AllocatedFrames, Is.EqualTo(1));
        Assert.That(_space.RegionCount, Is.Zero);
    }

    [Test]
    public void First_fit_leaves_guard_gaps_and_refuses_overlaps()
    {
        var a = _space.CreateRegion("a", 2 * Page, URW, Anywhere, RegionBacking.Demand).Value;
        var b = _space.CreateRegion("b", Page, URW, Anywhere, RegionBacking.Demand).Value;
        Assert.That(a.Base, Is.EqualTo(UserLow));
        Assert.That(b.Base, Is.EqualTo(a.End + Page), "one guard page between");
        Assert.That(_space.CreateRegion("c", Page, URW, At(a.Base.Value + Page)).Error,
            Is.EqualTo(MemoryError.Overlap));
        Assert.That(_space.CreateRegion("c", 2 * Page, URW, At(a.Base.Value - Page)).Error,
            Is.EqualTo(MemoryError.Overlap));
        var gap = _space.CreateRegion("in-guard", Page, URW, At(a.End.Value)).Value;
        Assert.That(gap.Base, Is.EqualTo(a.End), "fixed placement may fill a guard gap");
        _space.FreeRegion(a);
        var c = _space.CreateRegion("c", Page, URW, Anywhere, RegionBacking.Demand).Value;
        Assert.That(c.Base, Is.EqualTo(UserLow), "first fit reuses the freed hole, guard before 'in-guard'");
        Assert.That(_space.CreateRegion("d", Page, URW, Anywhere, RegionBacking.Demand).Value.Base,
            Is.EqualTo(b.End + Page));
        var names = new System.Collections.Generic.List<string>();
        foreach (var r in _space.Regions) names.Add(r.Name);
        Assert.That(names, Is.EqualTo(new[] { "c", "in-guard", "b", "d" }), "sorted by address");
    }

    [Test]
    public void First_fit_reports_no_space()
    {
        Assert.That(_space.CreateRegion("x", 4 * Page, URW, RegionPlacement.FirstFit(V(0x40_0000), V(0x40_3000))).Error,
            Is.EqualTo(MemoryError.NoSpace));
        Assert.That(_space.CreateRegion("x", 3 * Page, URW, RegionPlacement.FirstFit(V(0x40_0000), V(0x40_3000)),
                RegionBacking.Demand).Ok,
            Is.True);
        Assert.That(_space.CreateRegion("y", Page, URW, RegionPlacement.FirstFit(V(0x40_0000), V(0x40_4000))).Error,
            Is.EqualTo(MemoryError.NoSpace), "guard page needed");
        Assert.That(
            _space.CreateRegion("y", Page, URW, RegionPlacement.FirstFit(V(0x40_0000), V(0x40_5000))).Value.Base,
            Is.EqualTo(V(0x40_4000)));
    }

    [Test]
    public void Bad_inputs_are_refused()
    {
        Assert.Multiple(() =>
        {
            Assert.That(_space.CreateRegion("x", 100, URW, At(0x40_0000)).Error, Is.EqualTo(MemoryError.Misaligned));
            Assert.That(_space.CreateRegion("x", Page, URW, At(0x40_0010)).Error, Is.EqualTo(MemoryError.Misaligned));
            Assert.That(_space.CreateRegion("x", Page, URW, At(0x0000_8000_0000_0000)).Error,
                Is.EqualTo(MemoryError.NonCanonical));
            Assert.That(_space.CreateRegion("x", 2 * Page, URW, At(0x0000_7FFF_FFFF_F000)).Error,
                Is.EqualTo(MemoryError.NonCanonical), "crosses the canonical hole");
            Assert.That(_space.CreateRegion("x", Page, URW, At(0xFFFF_C000_0000_0000)).Error,
                Is.EqualTo(MemoryError.InvalidArgument), "user region in the kernel half");
            Assert.That(_space.CreateRegion("x", Page, RW, At(0xFFFF_FFFF_FFFF_F000)).Error,
                Is.EqualTo(MemoryError.OutOfRange), "top page");
            Assert.That(_space.CreateRegion("x", Page, URW, At(0x40_0000), RegionBacking.Mmio).Error,
                Is.EqualTo(MemoryError.InvalidArgument));
            Assert.That(_space.CreateMmioRegion("x", new PhysicalAddress(0x1001), Page, RW, At(0x40_0000)).Error,
                Is.EqualTo(MemoryError.Misaligned));
            Assert.That(_space.SetDefaultBacking(RegionBacking.Mmio), Is.EqualTo(MemoryError.InvalidArgument));
        });
        Assert.That(_space.RegionCount, Is.Zero);
        Assert.That(_rig.Frames.AllocatedFrames, Is.EqualTo(1));
    }

    [Test]
    public void Kernel_half_regions_are_supervisor()
    {
        var region = _space.CreateRegion("kstack", 2 * Page, RW,
            RegionPlacement.FirstFit(V(0xFFFF_E000_0000_0000), V(0xFFFF_F000_0000_0000))).Value;
        Assert.That(region.Base, Is.EqualTo(V(0xFFFF_E000_0000_0000)));
        Assert.That(_space.PageTable.Lookup(region.Base).Flags & PageFlags.User, Is.EqualTo(PageFlags.None));
    }

    // PAT entry 1 (PWT alone) is the one the kernel sets to write-combining; entry 3 (PCD+PWT) stays uncached.
    [Test]
    public void A_write_combining_mmio_region_maps_with_pwt_alone_and_a_plain_one_with_pcd_and_pwt()
    {
        var wc = _space.CreateMmioRegion("fb", new PhysicalAddress(0x20_0000), Page, RW | RegionFlags.WriteCombining,
            At(0x50_0000)).Value;
        var uc = _space.CreateMmioRegion("dev", new PhysicalAddress(0x30_0000), Page, RW, At(0x60_0000)).Value;
        const PageFlags caching = PageFlags.CacheDisable | PageFlags.WriteThrough;
        Assert.That(_space.PageTable.Lookup(wc.Base).Flags & caching, Is.EqualTo(PageFlags.WriteThrough));
        Assert.That(_space.PageTable.Lookup(uc.Base).Flags & caching, Is.EqualTo(caching));
        // not an MMIO region: the flag means nothing, the page is cached as ordinary memory
        var ram = _space.CreateRegion("ram", Page, RW | RegionFlags.WriteCombining, At(0x70_0000),
            RegionBacking.Immediate).Value;
        Assert.That(_space.PageTable.Lookup(ram.Base).Flags & caching, Is.EqualTo(PageFlags.None));
    }

    [Test]
    public void Mmio_region_maps_the_device_range_uncached_and_never_frees_it()
    {
        var device = new PhysicalAddress(0x20_0000); // outside the allocator's frames
        var region = _space.CreateMmioRegion("vga", device, 2 * Page, RW, At(0x50_0000)).Value;
        var lookup = _space.PageTable.Lookup(V(0x50_1000));
        Assert.That(lookup.Frame, Is.EqualTo(device + Page));
        Assert.That(lookup.Flags & PageFlags.CacheDisable, Is.EqualTo(PageFlags.CacheDisable));
        Assert.That(_space.Grow(region, Page), Is.EqualTo(MemoryError.InvalidArgument));
        int tables = _rig.Frames.AllocatedFrames;
        Assert.That(_space.FreeRegion(region), Is.EqualTo(MemoryError.None),
            "would fail on FreeFrame of an unknown frame if it tried");
        Assert.That(_rig.Frames.AllocatedFrames, Is.EqualTo(tables - 3));
    }

    [Test]
    public void Grow_and_shrink_at_the_end()
    {
        var region = _space.CreateRegion("heap", Page, URW, At(0x40_0000)).Value;
        var next = _space.CreateRegion("next", Page, URW, At(0x40_4000), RegionBacking.Demand).Value;
        Assert.That(_space.Grow(region, 2 * Page), Is.EqualTo(MemoryError.None));
        Assert.That(region.Length, Is.EqualTo(3 * Page));
        Assert.That(region.ResidentPages, Is.EqualTo(3UL));
        Assert.That(_space.Grow(region, Page), Is.EqualTo(MemoryError.NoSpace), "would eat the guard before 'next'");
        Assert.That(_space.Grow(region, 100), Is.EqualTo(MemoryError.Misaligned));
        Assert.That(_space.Grow(next, 0x0000_8000_0000_0000), Is.EqualTo(MemoryError.NonCanonical));
        Assert.That(_space.Shrink(region, 4 * Page), Is.EqualTo(MemoryError.InvalidArgument));
        int before = _rig.Frames.AllocatedFrames;
        Assert.That(_space.Shrink(region, 2 * Page), Is.EqualTo(MemoryError.None));
        Assert.That(_rig.Frames.AllocatedFrames, Is.EqualTo(before - 2));
        Assert.That(_space.PageTable.Lookup(V(0x40_1000)).IsMapped, Is.False);
        Assert.That(_space.Shrink(region, Page), Is.EqualTo(MemoryError.None), "to zero length");
        Assert.That(_space.FindRegion(V(0x40_0000)), Is.Null);
        Assert.That(_space.CreateRegion("x", Page, URW, At(0x40_0000)).Error, Is.EqualTo(MemoryError.Overlap),
            "an empty region still owns its base");
        Assert.That(_space.Grow(region, Page), Is.EqualTo(MemoryError.None));
        Assert.That(_space.FindRegion(V(0x40_0fff)), Is.SameAs(region));
    }

    [Test]
    public void Grow_out_of_memory_changes_nothing()
    {
        var region = _space.CreateRegion("heap", Page, URW, At(0x40_0000)).Value;
        int before = _rig.Frames.AllocatedFrames;
        _rig.Frames.FailAfter = 2;
        Assert.That(_space.Grow(region, 4 * Page), Is.EqualTo(MemoryError.OutOfMemory));
        Assert.That(region.Length, Is.EqualTo(Page));
        Assert.That(region.ResidentPages, Is.EqualTo(1UL));
        Assert.That(_rig.Frames.AllocatedFrames, Is.EqualTo(before));
    }

    [Test]
    public void Default_backing_switches_at_run_time_and_governs_growth()
    {
        Assert.That(_space.DefaultBacking, Is.EqualTo(RegionBacking.Immediate));
        var region = _space.CreateRegion("heap", Page, URW, At(0x40_0000)).Value;
        Assert.That(_space.SetDefaultBacking(RegionBacking.Demand), Is.EqualTo(MemoryError.None));
        Assert.That(_space.Grow(region, 4 * Page), Is.EqualTo(MemoryError.None));
        Assert.That(region.ResidentPages, Is.EqualTo(1UL), "growth under the demand policy maps nothing");
        var lazy = _space.CreateRegion("lazy", Page, URW, At(0x100_0000)).Value;
        Assert.That(lazy.BackingAt(lazy.Base), Is.EqualTo(RegionBacking.Demand));
        _space.SetDefaultBacking(RegionBacking.Immediate);
        Assert.That(_space.Grow(region, Page), Is.EqualTo(MemoryError.None));
        Assert.That(region.ResidentPages, Is.EqualTo(2UL));
    }

    [Test]
    public void A_region_records_what_backs_each_part_as_the_policy_changes_while_it_grows()
    {
        var region = _space.CreateRegion("heap", 2 * Page, URW, At(0x40_0000), RegionBacking.Immediate).Value;
        _space.SetDefaultBacking(RegionBacking.Demand);
        Assert.That(_space.Grow(region, 3 * Page), Is.EqualTo(MemoryError.None));
        _space.SetDefaultBacking(RegionBacking.Immediate);
        Assert.That(_space.Grow(region, Page), Is.EqualTo(MemoryError.None));
        Assert.That(region.PartCount, Is.EqualTo(3));
        Assert.That(region.Part(0), Is.EqualTo(new RegionPart(V(0x40_0000), 2 * Page, RegionBacking.Immediate)));
        Assert.That(region.Part(1), Is.EqualTo(new RegionPart(V(0x40_2000), 3 * Page, RegionBacking.Demand)));
        Assert.That(region.Part(2), Is.EqualTo(new RegionPart(V(0x40_5000), Page, RegionBacking.Immediate)));
        Assert.That(region.BackingAt(V(0x40_1fff)), Is.EqualTo(RegionBacking.Immediate));
        Assert.That(region.BackingAt(V(0x40_2000)), Is.EqualTo(RegionBacking.Demand));
        Assert.That(region.DescribeBacking(), Is.EqualTo("immediate+demand+immediate"));
        Assert.That(region.ToString(), Does.Contain(" immediate+demand+immediate 3/6 "));
        Assert.That(region.ResidentPages, Is.EqualTo(3UL), "the demand part is not resident until touched");

        // Shrinking forgets the parts it removes; growing again under the same policy extends the last part.
        Assert.That(_space.Shrink(region, 4 * Page), Is.EqualTo(MemoryError.None));
        Assert.That(region.PartCount, Is.EqualTo(1));
        Assert.That(region.DescribeBacking(), Is.EqualTo("immediate"));
        Assert.That(_space.Grow(region, Page), Is.EqualTo(MemoryError.None));
        Assert.That(region.PartCount, Is.EqualTo(1));
        Assert.That(region.Part(0).Length, Is.EqualTo(3 * Page));
    }

    [Test]
    public void A_region_with_the_most_parts_refuses_a_growth_that_would_add_one()
    {
        var region = _space.CreateRegion("flip", 0, URW, At(0x40_0000), RegionBacking.Demand).Value;
        for (int i = 0; i < Region.MaxParts; i++)
        {
            _space.SetDefaultBacking(i % 2 == 0 ? RegionBacking.Demand : RegionBacking.Immediate);
            Assert.That(_space.Grow(region, Page), Is.EqualTo(MemoryError.None));
        }
        Assert.That(region.PartCount, Is.EqualTo(Region.MaxParts));
        int frames = _rig.Frames.AllocatedFrames;
        _space.SetDefaultBacking(RegionBacking.Demand);
        Assert.That(_space.Grow(region, Page), Is.EqualTo(MemoryError.NoSpace), "nothing allocated to record it");
        Assert.That(region.Length, Is.EqualTo((ulong)Region.MaxParts * Page));
        Assert.That(_rig.Frames.AllocatedFrames, Is.EqualTo(frames));
        _space.SetDefaultBacking(RegionBacking.Immediate);
        Assert.That(_space.Grow(region, Page), Is.EqualTo(MemoryError.None), "the last part's own backing still grows");
    }

    [Test]
    public void Find_region_by_address()
    {
        var a = _space.CreateRegion("a", 2 * Page, URW, At(0x40_0000), RegionBacking.Demand).Value;
        var b = _space.CreateRegion("b", Page, URW, At(0x40_3000), RegionBacking.Demand).Value;
        Assert.Multiple(() =>
        {
            Assert.That(_space.FindRegion(V(0x3F_FFFF)), Is.Null);
            Assert.That(_space.FindRegion(V(0x40_0000)), Is.SameAs(a));
            Assert.That(_space.FindRegion(V(0x40_1FFF)), Is.SameAs(a));
            Assert.That(_space.FindRegion(V(0x40_2000)), Is.Null, "guard page");
            Assert.That(_space.FindRegion(V(0x40_3abc)), Is.SameAs(b));
            Assert.That(_space.FindRegion(V(0x40_4000)), Is.Null);
        });
        Assert.That(b.ToString(), Is.EqualTo("0x403000-0x404000 rw-u demand 0/1 b"));
    }

    [Test]
    public void Regions_of_another_space_are_refused()
    {
        var other = AddressSpace.Create(_rig.Ram, _rig.Frames, _rig.Tlb).Value;
        var foreign = other.CreateRegion("x", Page, URW, At(0x40_0000), RegionBacking.Demand).Value;
        Assert.That(_space.FreeRegion(foreign), Is.EqualTo(MemoryError.NoRegion));
        Assert.That(_space.Grow(foreign, Page), Is.EqualTo(MemoryError.NoRegion));
        Assert.That(_space.Shrink(foreign, Page), Is.EqualTo(MemoryError.NoRegion));
    }

    [Test]
    public void Share_frame_maps_read_only_with_a_reference()
    {
        var region = _space.CreateRegion("shared", 2 * Page, URW, At(0x40_0000), RegionBacking.Demand).Value;
        var frame = _rig.Frames.AllocateFrame().Value;
        Assert.That(_space.ShareFrame(region, V(0x40_1000), frame), Is.EqualTo(MemoryError.None));
        Assert.That(_rig.Frames.ReferenceCount(frame), Is.EqualTo(2));
        Assert.That(_space.PageTable.Lookup(V(0x40_1000)).Flags & PageFlags.Writable, Is.EqualTo(PageFlags.None));
        Assert.That(_space.ShareFrame(region, V(0x40_1000), frame), Is.EqualTo(MemoryError.AlreadyMapped));
        Assert.That(_space.ShareFrame(region, V(0x40_2000), frame), Is.EqualTo(MemoryError.OutOfRange));
        Assert.That(_space.ShareFrame(region, V(0x40_0000), new PhysicalAddress(0x1000)),
            Is.EqualTo(MemoryError.UnknownFrame));
        Assert.That(_rig.Frames.ReferenceCount(frame), Is.EqualTo(2));
        _space.FreeRegion(region);
        Assert.That(_rig.Frames.ReferenceCount(frame), Is.EqualTo(1));
    }

    [Test]
    public void Destroy_frees_every_region_and_the_page_table()
    {
        _space.CreateRegion("a", 8 * Page, URW, Anywhere);
        _space.CreateRegion("b", 8 * Page, RW,
            RegionPlacement.FirstFit(V(0xFFFF_C000_0000_0000), V(0xFFFF_D000_0000_0000)));
        Assert.That(_space.Destroy(), Is.EqualTo(MemoryError.None));
        Assert.That(_rig.Frames.AllocatedFrames, Is.Zero);
        Assert.That(_space.Destroy(), Is.EqualTo(MemoryError.DoubleFree));
        Assert.That(_space.CreateRegion("c", Page, URW, Anywhere).Error, Is.EqualTo(MemoryError.InvalidArgument));
    }

    [Test]
    public void Grow_and_shrink_allocate_no_managed_memory()
    {
        var region = _space.CreateRegion("heap", Page, URW, At(0x40_0000)).Value;
        void Cycle()
        {
            for (int i = 0; i < 32; i++) _space.Grow(region, Page);
            _space.FindRegion(V(0x40_5000));
            for (int i = 0; i < 32; i++) _space.Shrink(region, Page);
        }
        Cycle();
        _rig.Tlb.Clear();
        long before = GC.GetAllocatedBytesForCurrentThread();
        Cycle();
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }
}
