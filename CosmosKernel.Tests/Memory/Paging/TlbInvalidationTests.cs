using System.Collections.Generic;
using MemOS.Memory;
using MemOS.Memory.Paging;
using MemOS.Tests.Memory.Simulation;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Paging;

/// <summary>
/// Exactly which TLB invalidations each page-table change executes (not only what its change descriptor says), for
/// 4 KiB and 2 MiB pages: a change that leaves a stale translation is missing one; one that flushes before writing
/// the entry is as wrong as none, so the TLB here also records what the table said at the moment of each flush.
/// </summary>
public class TlbInvalidationTests
{
    private const PageFlags RW = PageFlags.Writable;
    private const ulong Huge = PageTable.HugePageSize;
    private Rig _rig = null!;
    private SnapshotTlb _tlb = null!;
    private PageTable _pt = null!;

    /// <summary>Records each invalidation with the lookup of its page at that moment (null for a full flush).</summary>
    private sealed class SnapshotTlb : ITlb
    {
        public PageTable? Table;
        public readonly List<(VirtualAddress Page, PageLookup? Seen)> Flushes = [];

        public void Invalidate(VirtualAddress page) => Flushes.Add((page, Table!.Lookup(page)));
        public void InvalidateAll() => Flushes.Add((default, null));
    }

    [SetUp]
    public void SetUp()
    {
        _rig = new Rig();
        _tlb = new SnapshotTlb();
        _pt = PageTable.Create(_rig.Ram, _rig.Frames, _tlb).Value;
        _tlb.Table = _pt;
    }

    [TearDown]
    public void TearDown() => _rig.Dispose();

    private static VirtualAddress V(ulong v) => new(v);
    private static PhysicalAddress Ph(ulong v) => new(v);

    private List<(VirtualAddress Page, PageLookup? Seen)> Flushes()
    {
        var flushes = new List<(VirtualAddress, PageLookup?)>(_tlb.Flushes);
        _tlb.Flushes.Clear();
        return flushes;
    }

    private static (VirtualAddress, PageLookup?) FullFlush => (default, null);

    [Test]
    public void Mapping_a_4K_or_2M_page_invalidates_nothing()
    {
        Assert.That(_pt.Map(V(0x40_1000), Ph(0x9000), RW).Invalidation, Is.EqualTo(TlbInvalidation.None));
        Assert.That(_pt.Map(V(0x60_0000), Ph(0x80_0000), RW, PageSize.Size2M).Invalidation,
            Is.EqualTo(TlbInvalidation.None));
        Assert.That(Flushes(), Is.Empty, "a not-present entry is never cached");
    }

    [Test]
    public void Unmapping_a_4K_page_invalidates_that_page_after_clearing_it()
    {
        _pt.Map(V(0x40_1000), Ph(0x9000), RW);
        _pt.Map(V(0x40_2000), Ph(0xA000), RW);
        Assert.That(_pt.Unmap(V(0x40_1000)).Invalidation, Is.EqualTo(TlbInvalidation.Page(V(0x40_1000))));
        var flushes = Flushes();
        Assert.That(flushes, Has.Count.EqualTo(1));
        Assert.That(flushes[0].Page, Is.EqualTo(V(0x40_1000)));
        Assert.That(flushes[0].Seen!.Value.IsMapped, Is.False, "flushed before the entry was cleared");
    }

    [Test]
    public void Unmapping_a_2M_page_flushes_everything_once()
    {
        _pt.Map(V(0x60_0000), Ph(0x80_0000), RW, PageSize.Size2M);
        Assert.That(_pt.Unmap(V(0x60_0000), PageSize.Size2M).Invalidation,
            Is.EqualTo(TlbInvalidation.Range(V(0x60_0000), Huge)));
        Assert.That(Flushes(), Is.EqualTo(new[] { FullFlush }), "512 pages: above the single-page ceiling");
    }

    [Test]
    public void Protecting_a_4K_page_invalidates_that_page_after_the_new_flags_are_written()
    {
        _pt.Map(V(0x40_1000), Ph(0x9000), RW);
        Assert.That(_pt.Protect(V(0x40_1000), PageFlags.NoExecute).Invalidation,
            Is.EqualTo(TlbInvalidation.Page(V(0x40_1000))));
        var flushes = Flushes();
        Assert.That(flushes, Has.Count.EqualTo(1));
        Assert.That(flushes[0].Page, Is.EqualTo(V(0x40_1000)));
        Assert.That(flushes[0].Seen!.Value.Flags & (RW | PageFlags.NoExecute), Is.EqualTo(PageFlags.NoExecute),
            "flushed before the write");
    }

    [Test]
    public void Protecting_a_2M_page_flushes_everything_once()
    {
        _pt.Map(V(0x60_0000), Ph(0x80_0000), RW, PageSize.Size2M);
        Assert.That(_pt.Protect(V(0x60_0000), PageFlags.None, PageSize.Size2M).Invalidation,
            Is.EqualTo(TlbInvalidation.Range(V(0x60_0000), Huge)));
        Assert.That(Flushes(), Is.EqualTo(new[] { FullFlush }));
        Assert.That(_pt.Lookup(V(0x60_0000)).Flags & RW, Is.EqualTo(PageFlags.None));
    }

    [Test]
    public void Replacing_a_page_invalidates_that_page_after_it_points_at_the_new_frame()
    {
        _pt.Map(V(0x40_1000), Ph(0x9000), PageFlags.None);
        Assert.That(_pt.Replace(V(0x40_1000), Ph(0xA000), RW).Invalidation,
            Is.EqualTo(TlbInvalidation.Page(V(0x40_1000))));
        var flushes = Flushes();
        Assert.That(flushes, Has.Count.EqualTo(1));
        Assert.That(flushes[0].Page, Is.EqualTo(V(0x40_1000)));
        Assert.That(flushes[0].Seen!.Value.Frame, Is.EqualTo(Ph(0xA000)), "flushed before the entry was replaced");
    }

    [TestCase(true)]
    [TestCase(false)]
    public void Splitting_a_2M_page_for_a_4K_change_flushes_the_whole_2M_range(bool unmap)
    {
        _pt.Map(V(0x60_0000), Ph(0x80_0000), RW, PageSize.Size2M);
        PageTableChange change = unmap ? _pt.Unmap(V(0x60_5000)) : _pt.Protect(V(0x60_5000), PageFlags.None);
        Assert.That(change.Invalidation, Is.EqualTo(TlbInvalidation.Range(V(0x60_0000), Huge)));
        // every 4 KiB translation of the old 2 MiB page may be cached: one flush of everything, not just the page
        Assert.That(Flushes(), Is.EqualTo(new[] { FullFlush }));
    }

    [Test]
    public void A_range_within_the_ceiling_invalidates_each_page_and_nothing_else()
    {
        var tlb = new RecordingTlb();
        TlbInvalidation.Range(V(0x40_0000), TlbInvalidation.SinglePageCeiling * 4096).Apply(tlb);
        Assert.That(tlb.Pages, Has.Count.EqualTo((int)TlbInvalidation.SinglePageCeiling));
        Assert.That(tlb.Pages[0], Is.EqualTo(V(0x40_0000)));
        Assert.That(tlb.Pages[^1], Is.EqualTo(V(0x40_0000 + (TlbInvalidation.SinglePageCeiling - 1) * 4096)));
        Assert.That(tlb.FullFlushes, Is.Zero);
        tlb.Clear();
        TlbInvalidation.Range(V(0x40_0000), (TlbInvalidation.SinglePageCeiling + 1) * 4096).Apply(tlb);
        Assert.That(tlb.Pages, Is.Empty);
        Assert.That(tlb.FullFlushes, Is.EqualTo(1));
    }

    [Test]
    public void A_change_that_fails_invalidates_nothing()
    {
        _pt.Map(V(0x60_0000), Ph(0x80_0000), RW, PageSize.Size2M);
        _rig.Frames.FailAfter = 0; // the split cannot get its page table
        Assert.That(_pt.Unmap(V(0x60_5000)).Error, Is.EqualTo(MemoryError.OutOfMemory));
        Assert.That(_pt.Protect(V(0x60_5000), PageFlags.None).Error, Is.EqualTo(MemoryError.OutOfMemory));
        Assert.That(_pt.Unmap(V(0x40_1000)).Error, Is.EqualTo(MemoryError.NotMapped));
        Assert.That(_pt.Replace(V(0x40_1000), Ph(0xA000), RW).Error, Is.EqualTo(MemoryError.NotMapped));
        Assert.That(Flushes(), Is.Empty);
    }
}
