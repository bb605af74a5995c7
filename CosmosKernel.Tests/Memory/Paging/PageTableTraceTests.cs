using System.Linq;
using MemOS.Memory;
using MemOS.Memory.Paging;
using MemOS.Memory.Tracing;
using MemOS.Tests.Memory.Simulation;
using MemOS.Tests.Memory.Tracing;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Paging;

/// <summary>
/// What the page table tells `trace` about each change: which entry at which level, the frame, the flags written, and
/// which tables came and went. Every field checked against the table itself, so a wrong level, frame or flag shows.
/// </summary>
public class PageTableTraceTests
{
    private const PageFlags RW = PageFlags.Writable;
    private const PageFlags P = PageFlags.Present;
    private Rig _rig = null!;
    private PageTable _pt = null!;
    private RecordingSink _trace = null!;

    [SetUp]
    public void SetUp()
    {
        _rig = new Rig();
        _pt = PageTable.Create(_rig.Ram, _rig.Frames, _rig.Tlb).Value;
        _trace = new RecordingSink();
    }

    [TearDown]
    public void TearDown()
    {
        _trace.Dispose();
        _rig.Dispose();
    }

    private static VirtualAddress V(ulong v) => new(v);
    private static PhysicalAddress Ph(ulong v) => new(v);

    private MemoryEvent[] Take()
    {
        var events = _trace.Events.ToArray();
        _trace.Events.Clear();
        return events;
    }

    private static void Expect(MemoryEvent e, MemoryEventKind kind, ulong address, ulong frame, ulong value,
        PageTableLevel level)
    {
        Assert.That(e.Kind, Is.EqualTo(kind));
        Assert.That(e.Address, Is.EqualTo(address), kind + " address");
        Assert.That(e.Frame, Is.EqualTo(frame), kind + " frame");
        Assert.That(e.Value, Is.EqualTo(value), kind + " value");
        Assert.That(e.Detail, Is.EqualTo((uint)level), kind + " level");
    }

    [Test]
    public void Mapping_a_4K_page_tells_the_three_new_tables_top_down_then_the_entry()
    {
        _pt.Map(V(0x40_1000), Ph(0x12_3000), RW | PageFlags.User | PageFlags.NoExecute);
        var walk = _pt.Walk(V(0x40_1000));
        var events = Take();
        Assert.That(events, Has.Length.EqualTo(4));
        Expect(events[0], MemoryEventKind.TableAllocated, 0x40_1000, walk.Steps[0].Next.Value, 0,
            PageTableLevel.PDPT);
        Expect(events[1], MemoryEventKind.TableAllocated, 0x40_1000, walk.Steps[1].Next.Value, 0, PageTableLevel.PD);
        Expect(events[2], MemoryEventKind.TableAllocated, 0x40_1000, walk.Steps[2].Next.Value, 0, PageTableLevel.PT);
        Expect(events[3], MemoryEventKind.EntryWritten, 0x40_1000, 0x12_3000,
            (ulong)(P | RW | PageFlags.User | PageFlags.NoExecute), PageTableLevel.PT);
        Assert.That(events[3].Describe(), Is.EqualTo(
            "page table: PT entry for 0x401000 -> 0x123000 (P W U NX)"));

        _pt.Map(V(0x40_2000), Ph(0x12_4000), RW);
        events = Take();
        Assert.That(events, Has.Length.EqualTo(1), "the tables exist now");
        Expect(events[0], MemoryEventKind.EntryWritten, 0x40_2000, 0x12_4000, (ulong)(P | RW), PageTableLevel.PT);
    }

    [Test]
    public void Mapping_a_2M_page_tells_two_tables_and_a_PD_entry_with_PS()
    {
        _pt.Map(V(0x60_0000), Ph(0x80_0000), RW, PageSize.Size2M);
        var events = Take();
        Assert.That(events.Select(e => e.Kind), Is.EqualTo(new[]
        {
            MemoryEventKind.TableAllocated, MemoryEventKind.TableAllocated, MemoryEventKind.EntryWritten,
        }));
        Assert.That(events[0].Detail, Is.EqualTo((uint)PageTableLevel.PDPT));
        Assert.That(events[1].Detail, Is.EqualTo((uint)PageTableLevel.PD));
        Expect(events[2], MemoryEventKind.EntryWritten, 0x60_0000, 0x80_0000,
            (ulong)(P | RW | PageFlags.HugePage), PageTableLevel.PD);
    }

    [Test]
    public void Unmapping_tells_the_cleared_entry_then_each_table_freed_bottom_up()
    {
        _pt.Map(V(0x40_1000), Ph(0x12_3000), RW);
        var walk = _pt.Walk(V(0x40_1000));
        Take();
        _pt.Unmap(V(0x40_1000));
        var events = Take();
        Assert.That(events, Has.Length.EqualTo(4));
        Expect(events[0], MemoryEventKind.EntryCleared, 0x40_1000, 0x12_3000, 0, PageTableLevel.PT);
        Expect(events[1], MemoryEventKind.TableFreed, 0x40_1000, walk.Steps[2].Next.Value, 0, PageTableLevel.PT);
        Expect(events[2], MemoryEventKind.TableFreed, 0x40_1000, walk.Steps[1].Next.Value, 0, PageTableLevel.PD);
        Expect(events[3], MemoryEventKind.TableFreed, 0x40_1000, walk.Steps[0].Next.Value, 0, PageTableLevel.PDPT);
    }

    [Test]
    public void Unmapping_a_whole_2M_page_tells_a_PD_entry_cleared()
    {
        _pt.Map(V(0x60_0000), Ph(0x80_0000), RW, PageSize.Size2M);
        _pt.Map(V(0x80_0000), Ph(0xA0_0000), RW, PageSize.Size2M); // keeps the PD alive
        Take();
        _pt.Unmap(V(0x60_0000), PageSize.Size2M);
        var events = Take();
        Assert.That(events, Has.Length.EqualTo(1));
        Expect(events[0], MemoryEventKind.EntryCleared, 0x60_0000, 0x80_0000, 0, PageTableLevel.PD);
    }

    [Test]
    public void Protecting_tells_the_new_flags_with_accessed_and_dirty_kept()
    {
        _pt.Map(V(0x40_1000), Ph(0x12_3000), RW | PageFlags.Accessed | PageFlags.Dirty);
        Take();
        _pt.Protect(V(0x40_1000), PageFlags.User | PageFlags.NoExecute);
        var events = Take();
        Assert.That(events, Has.Length.EqualTo(1));
        Expect(events[0], MemoryEventKind.EntryChanged, 0x40_1000, 0x12_3000,
            (ulong)(P | PageFlags.User | PageFlags.NoExecute | PageFlags.Accessed | PageFlags.Dirty),
            PageTableLevel.PT);

        _pt.Map(V(0x60_0000), Ph(0x80_0000), RW, PageSize.Size2M);
        Take();
        _pt.Protect(V(0x60_0000), PageFlags.None, PageSize.Size2M);
        events = Take();
        Assert.That(events, Has.Length.EqualTo(1));
        Expect(events[0], MemoryEventKind.EntryChanged, 0x60_0000, 0x80_0000, (ulong)(P | PageFlags.HugePage),
            PageTableLevel.PD);
    }

    [Test]
    public void A_change_to_a_4K_piece_of_a_2M_page_tells_the_new_PT_first()
    {
        _pt.Map(V(0x60_0000), Ph(0x80_0000), RW, PageSize.Size2M);
        Take();
        _pt.Protect(V(0x60_3000), PageFlags.None);
        var pt = _pt.Walk(V(0x60_3000)).Steps[2].Next.Value;
        var events = Take();
        Assert.That(events, Has.Length.EqualTo(2));
        Expect(events[0], MemoryEventKind.TableAllocated, 0x60_3000, pt, 0, PageTableLevel.PT);
        Expect(events[1], MemoryEventKind.EntryChanged, 0x60_3000, 0x80_3000, (ulong)P, PageTableLevel.PT);
    }

    [Test]
    public void Replacing_tells_the_entry_now_pointing_at_the_new_frame()
    {
        _pt.Map(V(0x40_1000), Ph(0x12_3000), PageFlags.None);
        Take();
        _pt.Replace(V(0x40_1000), Ph(0x45_6000), RW | PageFlags.User);
        var events = Take();
        Assert.That(events, Has.Length.EqualTo(1));
        Expect(events[0], MemoryEventKind.EntryChanged, 0x40_1000, 0x45_6000, (ulong)(P | RW | PageFlags.User),
            PageTableLevel.PT);
    }

    [Test]
    public void Destroying_tells_the_kernel_PDPTs_it_owned_then_the_PML4()
    {
        _pt.Map(V(0xFFFF_8000_0000_0000), Ph(0x9000), RW);
        _pt.Unmap(V(0xFFFF_8000_0000_0000));
        ulong pdpt = _rig.Ram.Read64(_pt.Root + 256 * 8) & ~0xFFFUL;
        Take();
        Assert.That(_pt.Destroy(), Is.EqualTo(MemoryError.None));
        var events = Take();
        Assert.That(events, Has.Length.EqualTo(2));
        Expect(events[0], MemoryEventKind.TableFreed, 0, pdpt, 0, PageTableLevel.PDPT);
        Expect(events[1], MemoryEventKind.TableFreed, 0, _pt.Root.Value, 0, PageTableLevel.PML4);
    }

    [Test]
    public void Failed_changes_tell_nothing()
    {
        _pt.Map(V(0x40_1000), Ph(0x12_3000), RW);
        Take();
        Assert.That(_pt.Map(V(0x40_1000), Ph(0x12_3000), RW).Error, Is.EqualTo(MemoryError.AlreadyMapped));
        Assert.That(_pt.Unmap(V(0x40_2000)).Error, Is.EqualTo(MemoryError.NotMapped));
        Assert.That(_pt.Protect(V(0x40_2000), RW).Error, Is.EqualTo(MemoryError.NotMapped));
        Assert.That(Take(), Is.Empty);
    }
}
