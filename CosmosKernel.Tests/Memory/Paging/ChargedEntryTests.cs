using MemOS.Memory;
using MemOS.Memory.Paging;
using MemOS.Tests.Memory.Simulation;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Paging;

/// <summary>
/// The page table's charged marker (a committed page whose frame is promised, not taken): refused where a page is, made
/// with its tables or not at all, never a mapping, and cleared with the tables it alone kept.
/// </summary>
public class ChargedEntryTests
{
    private const PageFlags RW = PageFlags.Writable;
    private Rig _rig = null!;
    private PageTable _pt = null!;

    [SetUp]
    public void SetUp()
    {
        _rig = new Rig();
        _pt = PageTable.Create(_rig.Ram, _rig.Frames, _rig.Tlb).Value;
    }

    [TearDown]
    public void TearDown() => _rig.Dispose();

    private static VirtualAddress V(ulong v) => new(v);
    private static PhysicalAddress Ph(ulong v) => new(v);

    [Test]
    public void A_marker_makes_its_tables_is_not_a_mapping_and_goes_with_them()
    {
        Assert.That(_pt.MarkCharged(V(0x40_1000)), Is.EqualTo(MemoryError.None));
        Assert.That(_rig.Frames.AllocatedFrames, Is.EqualTo(4), "root, PDPT, PD, PT");
        Assert.That(_pt.IsCharged(V(0x40_1000)), Is.True);
        Assert.That(_pt.IsCharged(V(0x40_2000)), Is.False, "its neighbour");
        Assert.That(_pt.Lookup(V(0x40_1000)).IsMapped, Is.False);
        Assert.That(_pt.Translate(V(0x40_1000)).Error, Is.EqualTo(MemoryError.NotMapped));
        Assert.That(_pt.Walk(V(0x40_1000)).Stop, Is.EqualTo(PageWalkStop.NotPresent));
        Assert.That(_pt.Walk(V(0x40_1000)).Steps[3].RawEntry, Is.EqualTo(PageTable.ChargedEntry));
        Assert.That(_pt.Unmap(V(0x40_1000)).Error, Is.EqualTo(MemoryError.NotMapped));
        Assert.That(_pt.Protect(V(0x40_1000), RW).Error, Is.EqualTo(MemoryError.NotMapped));
        Assert.That(_pt.MarkCharged(V(0x40_1000)), Is.EqualTo(MemoryError.None), "marking again is harmless");
        Assert.That(_pt.Destroy(), Is.EqualTo(MemoryError.Conflict), "the marker keeps its tables");

        Assert.That(_pt.ClearCharged(V(0x40_1000)), Is.True);
        Assert.That(_pt.IsCharged(V(0x40_1000)), Is.False);
        Assert.That(_rig.Frames.AllocatedFrames, Is.EqualTo(1), "the tables went with the marker");
        Assert.That(_pt.ClearCharged(V(0x40_1000)), Is.False, "nothing left to clear");
        Assert.That(_pt.Destroy(), Is.EqualTo(MemoryError.None));
    }

    [Test]
    public void Clearing_a_marker_keeps_tables_that_still_map_a_page()
    {
        Assert.That(_pt.Map(V(0x40_0000), Ph(0x9000), RW).Ok, Is.True);
        Assert.That(_pt.MarkCharged(V(0x40_1000)), Is.EqualTo(MemoryError.None));
        Assert.That(_rig.Frames.AllocatedFrames, Is.EqualTo(4), "the tables existed");
        Assert.That(_pt.ClearCharged(V(0x40_1000)), Is.True);
        Assert.That(_rig.Frames.AllocatedFrames, Is.EqualTo(4));
        Assert.That(_pt.Translate(V(0x40_0000)).Value, Is.EqualTo(Ph(0x9000)));
    }

    [Test]
    public void A_mapped_page_or_a_huge_page_cannot_be_marked_nor_cleared()
    {
        Assert.That(_pt.Map(V(0x40_0000), Ph(0x9000), RW).Ok, Is.True);
        Assert.That(_pt.MarkCharged(V(0x40_0000)), Is.EqualTo(MemoryError.AlreadyMapped));
        Assert.That(_pt.IsCharged(V(0x40_0000)), Is.False);
        Assert.That(_pt.ClearCharged(V(0x40_0000)), Is.False);
        Assert.That(_pt.Translate(V(0x40_0000)).Value, Is.EqualTo(Ph(0x9000)), "left mapped");

        Assert.That(_pt.Map(V(0x60_0000), Ph(0x80_0000), RW, PageSize.Size2M).Ok, Is.True);
        Assert.That(_pt.MarkCharged(V(0x60_3000)), Is.EqualTo(MemoryError.Conflict));
        Assert.That(_pt.IsCharged(V(0x60_3000)), Is.False);
        Assert.That(_pt.ClearCharged(V(0x60_3000)), Is.False);
        Assert.That(_pt.Lookup(V(0x60_3000)).Size, Is.EqualTo(PageSize.Size2M), "not split");
    }

    [Test]
    public void Bad_addresses_and_a_destroyed_table_are_refused()
    {
        Assert.That(_pt.MarkCharged(V(0x0000_8000_0000_0000)), Is.EqualTo(MemoryError.NonCanonical));
        Assert.That(_pt.MarkCharged(V(0x40_0800)), Is.EqualTo(MemoryError.Misaligned));
        Assert.That(_pt.IsCharged(V(0x0000_8000_0000_0000)), Is.False);
        Assert.That(_pt.ClearCharged(V(0x0000_8000_0000_0000)), Is.False);
        Assert.That(_rig.Frames.AllocatedFrames, Is.EqualTo(1));
        Assert.That(_pt.Destroy(), Is.EqualTo(MemoryError.None));
        Assert.That(_pt.MarkCharged(V(0x40_0000)), Is.EqualTo(MemoryError.InvalidArgument));
        Assert.That(_pt.IsCharged(V(0x40_0000)), Is.False);
        Assert.That(_pt.ClearCharged(V(0x40_0000)), Is.False);
        Assert.That(_pt.Lookup(V(0x40_0000)).IsMapped, Is.False);
    }

    [Test]
    public void Out_of_frames_for_its_tables_leaves_nothing()
    {
        _rig.Frames.FailAfter = 2;
        Assert.That(_pt.MarkCharged(V(0x40_1000)), Is.EqualTo(MemoryError.OutOfMemory));
        Assert.That(_rig.Frames.AllocatedFrames, Is.EqualTo(1));
        Assert.That(_rig.Ram.Read64(_pt.Root), Is.Zero);
    }

    [Test]
    public void Mapping_over_a_marker_replaces_it()
    {
        Assert.That(_pt.MarkCharged(V(0x40_1000)), Is.EqualTo(MemoryError.None));
        Assert.That(_pt.Map(V(0x40_1000), Ph(0x9000), RW).Ok, Is.True);
        Assert.That(_pt.IsCharged(V(0x40_1000)), Is.False);
        Assert.That(_pt.Translate(V(0x40_1000)).Value, Is.EqualTo(Ph(0x9000)));
        Assert.That(_pt.Unmap(V(0x40_1000)).Ok, Is.True);
        Assert.That(_rig.Frames.AllocatedFrames, Is.EqualTo(1));
    }
}
