using System;
using MemOS.Memory;
using MemOS.Memory.Paging;
using MemOS.Tests.Memory.Simulation;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Paging;

public class PageTableTests
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
    private PhysicalAddress Frame() => _rig.Frames.AllocateFrame().Value;

    [Test]
    public void New_table_is_one_zeroed_frame()
    {
        Assert.That(_rig.Frames.AllocatedFrames, Is.EqualTo(1));
        for (ulong i = 0; i < 4096; i += 8) Assert.That(_rig.Ram.Read64(_pt.Root + i), Is.Zero);
    }

    [Test]
    public void Map_then_translate_a_4K_page_allocates_three_tables()
    {
        var change = _pt.Map(V(0x40_1000), Ph(0x12_3000), RW | PageFlags.User);
        Assert.That(change.Ok, Is.True);
        Assert.That(change.Invalidation.Kind, Is.EqualTo(TlbInvalidationKind.None));
        Assert.That(_rig.Frames.AllocatedFrames, Is.EqualTo(4)); // PML4, PDPT, PD, PT
        Assert.That(_pt.Translate(V(0x40_1abc)).Value, Is.EqualTo(Ph(0x12_3abc)));
        var lookup = _pt.Lookup(V(0x40_1abc));
        Assert.That(lookup.IsMapped, Is.True);
        Assert.That(lookup.Flags, Is.EqualTo(PageFlags.Present | RW | PageFlags.User));
        Assert.That(lookup.Size, Is.EqualTo(PageSize.Size4K));
        Assert.That(_pt.Translate(V(0x40_2000)).Error, Is.EqualTo(MemoryError.NotMapped));
    }

    [Test]
    public void Bad_addresses_are_refused_and_nothing_changes()
    {
        Assert.Multiple(() =>
        {
            Assert.That(_pt.Map(V(0x0000_8000_0000_0000), Ph(0x1000), RW).Error, Is.EqualTo(MemoryError.NonCanonical));
            Assert.That(_pt.Map(V(0x40_1001), Ph(0x1000), RW).Error, Is.EqualTo(MemoryError.Misaligned));
            Assert.That(_pt.Map(V(0x40_1000), Ph(0x1008), RW).Error, Is.EqualTo(MemoryError.Misaligned));
            Assert.That(_pt.Map(V(0x40_1000), Ph(0x1000), RW, PageSize.Size2M).Error,
                Is.EqualTo(MemoryError.Misaligned));
            Assert.That(_pt.Map(V(0x20_0000), Ph(0x1000), RW, PageSize.Size2M).Error,
                Is.EqualTo(MemoryError.Misaligned));
            Assert.That(_pt.Map(V(0x40_1000), Ph(1UL << 52), RW).Error, Is.EqualTo(MemoryError.OutOfRange));
            Assert.That(_pt.Unmap(V(0xFFFF_0000_0000_0000)).Error, Is.EqualTo(MemoryError.NonCanonical));
            Assert.That(_pt.Protect(V(0x40_0010), RW).Error, Is.EqualTo(MemoryError.Misaligned));
            Assert.That(_pt.Translate(V(0x0000_9000_0000_0000)).Error, Is.EqualTo(MemoryError.NonCanonical));
        });
        Assert.That(_rig.Frames.AllocatedFrames, Is.EqualTo(1));
    }

    [Test]
    public void Physical_width_masks_the_address_field()
    {
        using var rig = new Rig();
        var pt = PageTable.Create(rig.Ram, rig.Frames, rig.Tlb, physicalAddressBits: 36).Value;
        Assert.That(pt.Map(V(0x40_0000), Ph(1UL << 36), RW).Error, Is.EqualTo(MemoryError.OutOfRange));
        Assert.That(pt.Map(V(0x40_0000), Ph((1UL << 36) - 4096), RW).Ok, Is.True);
        Assert.That(pt.Translate(V(0x40_0000)).Value, Is.EqualTo(Ph((1UL << 36) - 4096)));
        Assert.That(PageTable.Create(rig.Ram, rig.Frames, rig.Tlb, physicalAddressBits: 60).Error,
            Is.EqualTo(MemoryError.InvalidArgument));
    }

    [Test]
    public void Conflicting_maps_are_refused()
    {
        Assert.That(_pt.Map(V(0x40_0000), Ph(0x20_0000), RW, PageSize.Size2M).Ok, Is.True);
        Assert.That(_pt.Map(V(0x60_0000), Ph(0x1000), RW).Ok, Is.True);
        int allocated = _rig.Frames.AllocatedFrames;
        Assert.Multiple(() =>
        {
            Assert.That(_pt.Map(V(0x40_0000), Ph(0x40_0000), RW, PageSize.Size2M).Error,
                Is.EqualTo(MemoryError.AlreadyMapped));
            Assert.That(_pt.Map(V(0x40_3000), Ph(0x5000), RW).Error, Is.EqualTo(MemoryError.Conflict),
                "4K inside a 2M page");
            Assert.That(_pt.Map(V(0x60_0000), Ph(0x40_0000), RW, PageSize.Size2M).Error,
                Is.EqualTo(MemoryError.Conflict), "2M over 4K pages");
            Assert.That(_pt.Map(V(0x60_0000), Ph(0x2000), RW).Error, Is.EqualTo(MemoryError.AlreadyMapped));
        });
        Assert.That(_rig.Frames.AllocatedFrames, Is.EqualTo(allocated));
        Assert.That(_pt.Translate(V(0x60_0000)).Value, Is.EqualTo(Ph(0x1000)));
        Assert.That(_pt.Translate(V(0x40_3000)).Value, Is.EqualTo(Ph(0x20_3000)));
    }

    [Test]
    public void Out_of_memory_while_building_tables_changes_nothing()
    {
        _rig.Frames.FailAfter = 2; // three tables needed
        Assert.That(_pt.Map(V(0x40_0000), Ph(0x1000), RW).Error, Is.EqualTo(MemoryError.OutOfMemory));
        Assert.That(_rig.Frames.AllocatedFrames, Is.EqualTo(1));
        Assert.That(_rig.Ram.Read64(_pt.Root), Is.Zero);
        _rig.Frames.FailAfter = null;
        Assert.That(_pt.Map(V(0x40_0000), Ph(0x1000), RW).Ok, Is.True);
    }

    [Test]
    public void Unmap_returns_the_frame_invalidates_the_page_and_frees_empty_tables()
    {
        _pt.Map(V(0x40_0000), Ph(0x7000), RW);
        _pt.Map(V(0x40_1000), Ph(0x8000), RW);
        var first = _pt.Unmap(V(0x40_0000));
        Assert.That(first.Frame, Is.EqualTo(Ph(0x7000)));
        Assert.That(first.Invalidation, Is.EqualTo(TlbInvalidation.Page(V(0x40_0000))));
        Assert.That(_rig.Tlb.Pages, Is.EqualTo(new[] { V(0x40_0000) }));
        Assert.That(_rig.Frames.AllocatedFrames, Is.EqualTo(4), "the PT still maps 0x401000");
        Assert.That(_pt.Unmap(V(0x40_1000)).Frame, Is.EqualTo(Ph(0x8000)));
        Assert.That(_rig.Frames.AllocatedFrames, Is.EqualTo(1), "PT, PD and PDPT returned");
        Assert.That(_rig.Ram.Read64(_pt.Root), Is.Zero);
        Assert.That(_pt.Unmap(V(0x40_1000)).Error, Is.EqualTo(MemoryError.NotMapped), "double unmap");
    }

    [Test]
    public void Unmapping_a_4K_piece_splits_a_2M_page()
    {
        _pt.Map(V(0x40_0000), Ph(0x80_0000), RW | PageFlags.Global, PageSize.Size2M);
        int before = _rig.Frames.AllocatedFrames;
        var change = _pt.Unmap(V(0x40_5000));
        Assert.That(change.Ok, Is.True);
        Assert.That(change.Frame, Is.EqualTo(Ph(0x80_5000)));
        Assert.That(change.Invalidation, Is.EqualTo(TlbInvalidation.Range(V(0x40_0000), PageTable.HugePageSize)));
        Assert.That(_rig.Tlb.FullFlushes, Is.EqualTo(1), "512 pages is above the single-page ceiling");
        Assert.That(_rig.Frames.AllocatedFrames, Is.EqualTo(before + 1), "one new PT");
        Assert.That(_pt.Translate(V(0x40_5000)).Error, Is.EqualTo(MemoryError.NotMapped));
        for (ulong p = 0; p < 512; p++)
        {
            if (p == 5) continue;
            var lookup = _pt.Lookup(V(0x40_0000 + p * 4096));
            Assert.That(lookup.Size, Is.EqualTo(PageSize.Size4K));
            Assert.That(lookup.Frame, Is.EqualTo(Ph(0x80_0000 + p * 4096)));
            Assert.That(lookup.Flags, Is.EqualTo(PageFlags.Present | RW | PageFlags.Global));
        }
        Assert.That(_pt.Unmap(V(0x40_0000), PageSize.Size2M).Error, Is.EqualTo(MemoryError.Conflict),
            "no longer a 2M page");
    }

    [Test]
    public void Split_without_a_frame_changes_nothing()
    {
        _pt.Map(V(0x40_0000), Ph(0x80_0000), RW, PageSize.Size2M);
        _rig.Frames.FailAfter = 0;
        Assert.That(_pt.Unmap(V(0x40_5000)).Error, Is.EqualTo(MemoryError.OutOfMemory));
        Assert.That(_pt.Protect(V(0x40_5000), PageFlags.None).Error, Is.EqualTo(MemoryError.OutOfMemory));
        Assert.That(_pt.Lookup(V(0x40_5000)).Size, Is.EqualTo(PageSize.Size2M));
        Assert.That(_rig.Tlb.Pages, Is.Empty);
        Assert.That(_rig.Tlb.FullFlushes, Is.Zero, "a split flushes through InvalidateAll: none when it fails");
    }

    [Test]
    public void Unmap_a_whole_2M_page()
    {
        _pt.Map(V(0x40_0000), Ph(0x80_0000), RW, PageSize.Size2M);
        Assert.That(_pt.Unmap(V(0x40_0000), PageSize.Size4K).Frame, Is.EqualTo(Ph(0x80_0000)), "4K at the base splits");
        _pt.Map(V(0x60_0000), Ph(0xA0_0000), RW, PageSize.Size2M);
        var change = _pt.Unmap(V(0x60_0000), PageSize.Size2M);
        Assert.That(change.Frame, Is.EqualTo(Ph(0xA0_0000)));
        Assert.That(_pt.Translate(V(0x60_1000)).Error, Is.EqualTo(MemoryError.NotMapped));
        Assert.That(_pt.Unmap(V(0x60_0000), PageSize.Size2M).Error, Is.EqualTo(MemoryError.NotMapped));
    }

    [Test]
    public void Protect_changes_flags_keeps_accessed_dirty_and_invalidates()
    {
        _pt.Map(V(0x40_0000), Ph(0x9000), RW);
        // Set A and D as the CPU would.
        var pte = _pt.Walk(V(0x40_0000)).Steps[3];
        _rig.Ram.Write64(pte.Table, pte.RawEntry | (ulong)(PageFlags.Accessed | PageFlags.Dirty));
        var change = _pt.Protect(V(0x40_0000), PageFlags.NoExecute);
        Assert.That(change.Ok, Is.True);
        Assert.That(_pt.Lookup(V(0x40_0000)).Flags,
            Is.EqualTo(PageFlags.Present | PageFlags.NoExecute | PageFlags.Accessed | PageFlags.Dirty));
        Assert.That(_pt.Translate(V(0x40_0000)).Value, Is.EqualTo(Ph(0x9000)));
        Assert.That(_rig.Tlb.Pages, Is.EqualTo(new[] { V(0x40_0000) }));
        Assert.That(_pt.Protect(V(0x40_1000), RW).Error, Is.EqualTo(MemoryError.NotMapped));
        Assert.That(_pt.Protect(V(0x40_0000), RW, PageSize.Size2M).Error, Is.EqualTo(MemoryError.Conflict));
    }

    [Test]
    public void Protecting_a_4K_piece_splits_a_2M_page()
    {
        _pt.Map(V(0x40_0000), Ph(0x80_0000), RW, PageSize.Size2M);
        Assert.That(_pt.Protect(V(0x40_0000), RW, PageSize.Size2M).Ok, Is.True);
        Assert.That(_pt.Lookup(V(0x40_0000)).Size, Is.EqualTo(PageSize.Size2M));
        Assert.That(_rig.Tlb.FullFlushes, Is.EqualTo(1), "a 2 MiB page: 512 pages, above the single-page ceiling");
        Assert.That(_pt.Protect(V(0x5F_F000), PageFlags.None).Ok, Is.True);
        Assert.That(_rig.Tlb.FullFlushes, Is.EqualTo(2), "the split: every 4 KiB piece of the old page may be cached");
        Assert.That(_rig.Tlb.Pages, Is.Empty);
        Assert.That(_pt.Lookup(V(0x5F_F000)).Flags, Is.EqualTo(PageFlags.Present));
        Assert.That(_pt.Lookup(V(0x5F_E000)).Flags, Is.EqualTo(PageFlags.Present | RW));
        Assert.That(_pt.Translate(V(0x5F_F123)).Value, Is.EqualTo(Ph(0x9F_F123)));
    }

    [Test]
    public void Replace_points_a_page_at_a_new_frame()
    {
        _pt.Map(V(0x40_0000), Ph(0x9000), PageFlags.None);
        var change = _pt.Replace(V(0x40_0000), Ph(0xA000), RW);
        Assert.That(change.Frame, Is.EqualTo(Ph(0x9000)));
        Assert.That(_pt.Lookup(V(0x40_0000)).Frame, Is.EqualTo(Ph(0xA000)));
        Assert.That(_pt.Lookup(V(0x40_0000)).Flags, Is.EqualTo(PageFlags.Present | RW));
        Assert.That(_rig.Tlb.Pages, Is.EqualTo(new[] { V(0x40_0000) }));
        Assert.That(_pt.Replace(V(0x40_1000), Ph(0xA000), RW).Error, Is.EqualTo(MemoryError.NotMapped));
    }

    [Test]
    public void Lookup_of_a_hole_reports_its_extent()
    {
        var empty = _pt.Lookup(V(0x40_1234));
        Assert.That(empty.IsMapped, Is.False);
        Assert.That(empty.Extent, Is.EqualTo(1UL << 39), "missing PML4 entry covers 512 GiB");
        _pt.Map(V(0x40_0000), Ph(0x9000), RW);
        var hole = _pt.Lookup(V(0x40_1234));
        Assert.That(hole.Extent, Is.EqualTo(4096UL));
        Assert.That(hole.Page, Is.EqualTo(V(0x40_1000)));
        Assert.That(_pt.Lookup(V(0x80_0000)).Extent, Is.EqualTo(PageTable.HugePageSize), "missing PD entry");
    }

    [Test]
    public void Walk_reports_every_level_and_why_it_stopped()
    {
        var notPresent = _pt.Walk(V(0x40_0000));
        Assert.That(notPresent.Stop, Is.EqualTo(PageWalkStop.NotPresent));
        Assert.That(notPresent.StopLevel, Is.EqualTo(PageTableLevel.PML4));
        Assert.That(notPresent.Steps[0].Table, Is.EqualTo(_pt.Root));

        _pt.Map(V(0x40_1000), Ph(0x9000), RW | PageFlags.NoExecute);
        var walk = _pt.Walk(V(0x40_1abc));
        Assert.That(walk.Stop, Is.EqualTo(PageWalkStop.Translated));
        Assert.That(walk.Physical, Is.EqualTo(Ph(0x9abc)));
        Assert.That(walk.Steps, Has.Count.EqualTo(4));
        Assert.That(walk.Steps[0].Level, Is.EqualTo(PageTableLevel.PML4));
        Assert.That(walk.Steps[3].Level, Is.EqualTo(PageTableLevel.PT));
        Assert.That(walk.Steps[2].Index, Is.EqualTo(2));
        Assert.That(walk.Steps[3].Index, Is.EqualTo(1));
        Assert.That(walk.Steps[3].Flags, Is.EqualTo(PageFlags.Present | RW | PageFlags.NoExecute));
        Assert.That(walk.Steps[1].Table, Is.EqualTo(walk.Steps[0].Next));
        Assert.That(walk.ToString(), Does.Contain("translated, physical 0x9abc"));

        _pt.Map(V(0x60_0000), Ph(0x80_0000), RW, PageSize.Size2M);
        var huge = _pt.Walk(V(0x61_2345));
        Assert.That(huge.Stop, Is.EqualTo(PageWalkStop.HugePage));
        Assert.That(huge.StopLevel, Is.EqualTo(PageTableLevel.PD));
        Assert.That(huge.Physical, Is.EqualTo(Ph(0x81_2345)));

        Assert.That(_pt.Walk(V(0x0000_8000_0000_0000)).Stop, Is.EqualTo(PageWalkStop.NonCanonical));
    }

    [Test]
    public void Walk_reports_reserved_bits()
    {
        using var rig = new Rig();
        var pt = PageTable.Create(rig.Ram, rig.Frames, rig.Tlb, physicalAddressBits: 40).Value;
        pt.Map(V(0x40_0000), Ph(0x9000), RW);
        var pte = pt.Walk(V(0x40_0000)).Steps[3];
        rig.Ram.Write64(pte.Table + 0, pte.RawEntry | (1UL << 45));
        var walk = pt.Walk(V(0x40_0000));
        Assert.That(walk.Stop, Is.EqualTo(PageWalkStop.ReservedBits));
        Assert.That(walk.ReservedBits, Is.EqualTo(1UL << 45));
        Assert.That(pt.Lookup(V(0x40_0000)).Frame, Is.EqualTo(Ph(0x9000)), "address field is masked to 40 bits");
    }

    [Test]
    public void Reserved_bit_rules_per_level()
    {
        Assert.Multiple(() =>
        {
            Assert.That(PageTableEntry.ReservedBits(1UL << 63 | 1, PageTableLevel.PT, 52, noExecuteEnabled: false),
                Is.EqualTo(1UL << 63));
            Assert.That(PageTableEntry.ReservedBits(1UL << 63 | 1, PageTableLevel.PT, 52, noExecuteEnabled: true),
                Is.Zero);
            Assert.That(PageTableEntry.ReservedBits(0x81, PageTableLevel.PML4, 52, true), Is.EqualTo(0x80UL));
            Assert.That(PageTableEntry.ReservedBits(0x2000 | 0x81, PageTableLevel.PD, 52, true), Is.EqualTo(0x2000UL));
            Assert.That(PageTableEntry.ReservedBits(0x2000 | 0x81, PageTableLevel.PT, 52, true), Is.Zero,
                "PS is PAT in a PTE");
            Assert.That(PageTableEntry.ReservedBits(1UL << 55 | 1, PageTableLevel.PT, 40, true), Is.Zero,
                "bits 52..62 are ignored");
        });
    }

    [Test]
    public void Destroy_refuses_while_anything_is_mapped()
    {
        _pt.Map(V(0x40_0000), Ph(0x9000), RW);
        _pt.Map(V(0xFFFF_C000_0000_0000), Ph(0xA000), RW);
        Assert.That(_pt.Destroy(), Is.EqualTo(MemoryError.Conflict));
        _pt.Unmap(V(0x40_0000));
        Assert.That(_pt.Destroy(), Is.EqualTo(MemoryError.Conflict), "kernel half still maps a page");
        _pt.Unmap(V(0xFFFF_C000_0000_0000));
        Assert.That(_rig.Frames.AllocatedFrames, Is.EqualTo(2), "root + the kernel PDPT, which is kept");
        Assert.That(_pt.Destroy(), Is.EqualTo(MemoryError.None));
        Assert.That(_rig.Frames.AllocatedFrames, Is.Zero);
        Assert.That(_pt.Destroy(), Is.EqualTo(MemoryError.DoubleFree));
        Assert.That(_pt.Map(V(0x40_0000), Ph(0x9000), RW).Error, Is.EqualTo(MemoryError.InvalidArgument));
    }

    [Test]
    public void Kernel_half_is_shared_through_the_template_and_its_PDPTs_are_never_freed()
    {
        using var rig = new Rig(frames: 600);
        var template = KernelHalfTemplate.Create(rig.Ram, rig.Frames).Value;
        Assert.That(rig.Frames.AllocatedFrames, Is.EqualTo(256));
        var a = PageTable.Create(rig.Ram, rig.Frames, rig.Tlb, template).Value;
        var b = PageTable.Create(rig.Ram, rig.Frames, rig.Tlb, template).Value;
        var kernel = V(0xFFFF_C000_0012_3000);
        Assert.That(a.Map(kernel, Ph(0x9000), RW).Ok, Is.True);
        Assert.That(b.Translate(kernel).Value, Is.EqualTo(Ph(0x9000)), "mapped through A, seen through B");
        Assert.That(b.Walk(kernel).Steps[0].Next, Is.EqualTo(template.Pdpt(kernel.TableIndex(4))));
        Assert.That(b.Unmap(kernel).Frame, Is.EqualTo(Ph(0x9000)));
        Assert.That(a.Translate(kernel).Error, Is.EqualTo(MemoryError.NotMapped));
        Assert.That(rig.Frames.AllocatedFrames, Is.EqualTo(258), "PD and PT freed, the shared PDPT kept");
        for (int i = 256; i < 512; i++)
            Assert.That(rig.Ram.Read64(a.Root + (ulong)i * 8), Is.EqualTo(template.Entry(i)));
        Assert.That(a.Destroy(), Is.EqualTo(MemoryError.None));
        Assert.That(b.Destroy(), Is.EqualTo(MemoryError.None));
        Assert.That(template.Release(rig.Ram), Is.EqualTo(MemoryError.None));
        Assert.That(template.Release(rig.Ram), Is.EqualTo(MemoryError.DoubleFree));
        Assert.That(rig.Frames.AllocatedFrames, Is.Zero);
    }

    [Test]
    public void Kernel_half_entries_are_supervisor_and_user_half_tables_are_user()
    {
        _pt.Map(V(0x40_0000), Ph(0x9000), RW | PageFlags.User);
        _pt.Map(V(0xFFFF_8000_0000_0000), Ph(0xA000), RW);
        Assert.That(_pt.Walk(V(0x40_0000)).Steps[0].Flags & PageFlags.User, Is.EqualTo(PageFlags.User));
        Assert.That(_pt.Walk(V(0xFFFF_8000_0000_0000)).Steps[0].Flags & PageFlags.User, Is.EqualTo(PageFlags.None));
    }

    [Test]
    public void Map_unmap_protect_translate_allocate_no_managed_memory()
    {
        var frame = Frame();
        void Cycle()
        {
            for (ulong i = 0; i < 64; i++)
            {
                var va = V(0x40_0000 + i * 4096);
                _pt.Map(va, frame, RW);
                _pt.Protect(va, PageFlags.None);
                _pt.Translate(va);
                _pt.Lookup(va);
            }
            _pt.Map(V(0x80_0000), Ph(0x20_0000), RW, PageSize.Size2M);
            _pt.Unmap(V(0x80_1000));
            for (ulong i = 0; i < 512; i++) _pt.Unmap(V(0x80_0000 + i * 4096));
            for (ulong i = 0; i < 64; i++) _pt.Unmap(V(0x40_0000 + i * 4096));
        }
        Cycle();
        _rig.Tlb.Clear();
        long before = GC.GetAllocatedBytesForCurrentThread();
        Cycle();
        long after = GC.GetAllocatedBytesForCurrentThread();
        Assert.That(after - before, Is.Zero);
    }
}
