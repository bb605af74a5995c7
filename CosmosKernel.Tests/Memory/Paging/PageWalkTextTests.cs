using MemOS.Memory;
using MemOS.Memory.Paging;
using MemOS.Tests.Memory.Simulation;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Paging;

/// <summary>
/// What `pagewalk` and `pte` print: each flag's short name in a fixed order, every step of a walk, and why it stopped,
/// including a 1 GiB page the boot tables may hold (written here as the CPU would find it).
/// </summary>
public class PageWalkTextTests
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
    public void Flags_are_named_in_bit_order_and_none_is_a_dash()
    {
        Assert.That(PageFlagsText.Describe(PageFlags.None), Is.EqualTo("-"));
        Assert.That(PageFlagsText.Describe(PageFlags.Present), Is.EqualTo("P"));
        Assert.That(PageFlagsText.Describe(PageFlags.NoExecute), Is.EqualTo("NX"));
        var all = PageFlags.Present | PageFlags.Writable | PageFlags.User | PageFlags.WriteThrough
                  | PageFlags.CacheDisable | PageFlags.Accessed | PageFlags.Dirty | PageFlags.HugePage
                  | PageFlags.Global | PageFlags.NoExecute;
        Assert.That(PageFlagsText.Describe(all), Is.EqualTo("P W U PWT PCD A D PS G NX"));
    }

    [Test]
    public void An_entry_prints_its_raw_value_and_flags_and_reads_its_bits()
    {
        var entry = PageTableEntry.Create(Ph(0x12_3000), PageFlags.Present | RW | PageFlags.HugePage);
        Assert.That(entry.ToString(), Is.EqualTo("0x0000000000123083 P W PS"));
        Assert.That(entry.IsPresent, Is.True);
        Assert.That(entry.IsHuge, Is.True);
        Assert.That(new PageTableEntry(0x12_3002).IsPresent, Is.False);
        Assert.That(new PageTableEntry(0x12_3001).IsHuge, Is.False);
        Assert.That(entry.Address(PageTableEntry.AddressMask(52)), Is.EqualTo(Ph(0x12_3000)));
        Assert.That(PageTableEntry.AddressMask(32), Is.EqualTo(0xFFFF_F000UL));
        Assert.That(PageTableEntry.AddressMask(64), Is.EqualTo(~0xFFFUL));
    }

    [Test]
    public void A_translated_walk_prints_every_level()
    {
        _pt.Map(V(0x40_1000), Ph(0x9000), RW | PageFlags.User);
        var walk = _pt.Walk(V(0x40_1abc));
        string[] lines = walk.ToString().Split('\n');
        Assert.That(lines, Has.Length.EqualTo(6));
        Assert.That(lines[0], Is.EqualTo("walk " + V(0x40_1abc)));
        Assert.That(lines[1], Does.StartWith("  PML4[0] in table " + _pt.Root + ": 0x"));
        Assert.That(lines[1], Does.EndWith("(P W U) -> " + walk.Steps[0].Next));
        Assert.That(lines[2], Does.StartWith("  PDPT[0] in table " + walk.Steps[0].Next));
        Assert.That(lines[3], Does.StartWith("  PD[2] in table " + walk.Steps[1].Next));
        Assert.That(lines[4], Is.EqualTo("  PT[1] in table " + walk.Steps[2].Next + ": 0x0000000000009007 (P W U) -> "
            + Ph(0x9000)));
        Assert.That(lines[5], Is.EqualTo("  stop at PT: translated, physical " + Ph(0x9abc)));
        Assert.That(walk.Translated, Is.True);
    }

    [Test]
    public void Walks_that_stop_early_say_where_and_why()
    {
        var missing = _pt.Walk(V(0x40_0000));
        Assert.That(missing.ToString(), Does.EndWith("  stop at PML4: not present"));
        Assert.That(missing.Translated, Is.False);

        var nonCanonical = _pt.Walk(V(0x0000_8000_0000_0000));
        Assert.That(nonCanonical.Steps, Is.Empty);
        Assert.That(nonCanonical.StopLevel, Is.EqualTo(PageTableLevel.PML4));
        Assert.That(nonCanonical.ToString(), Does.EndWith("stop at PML4: non-canonical address"));
        Assert.That(nonCanonical.Translated, Is.False);

        _pt.Map(V(0x60_0000), Ph(0x80_0000), RW, PageSize.Size2M);
        var huge = _pt.Walk(V(0x61_2345));
        Assert.That(huge.ToString(), Does.EndWith("stop at PD: huge page, physical " + Ph(0x81_2345)));
        Assert.That(huge.Translated, Is.True);

        var pde = huge.Steps[2];
        _rig.Ram.Write64(pde.Table + (ulong)pde.Index * 8, pde.RawEntry | 0x2000);
        var reserved = _pt.Walk(V(0x61_2345));
        Assert.That(reserved.Stop, Is.EqualTo(PageWalkStop.ReservedBits));
        Assert.That(reserved.ReservedBits, Is.EqualTo(0x2000UL));
        Assert.That(reserved.ToString(), Does.EndWith("stop at PD: reserved bits set (0x2000)"));
        Assert.That(reserved.Translated, Is.False);
    }

    [Test]
    public void A_1G_page_in_a_PDPT_is_looked_up_translated_and_walked()
    {
        _pt.Map(V(0x40_0000), Ph(0x9000), RW); // makes the PDPT
        var pdpte = _pt.Walk(V(0x40_0000)).Steps[1];
        var giant = V(0x8000_0000); // PDPT entry 2
        _rig.Ram.Write64(pdpte.Table + 2 * 8, 0x1_4000_0000UL | (ulong)(PageFlags.Present | RW | PageFlags.HugePage));
        var lookup = _pt.Lookup(V(0x8123_4567));
        Assert.That(lookup.IsMapped, Is.True);
        Assert.That(lookup.Size, Is.EqualTo(PageSize.Size1G));
        Assert.That(lookup.Extent, Is.EqualTo(PageTable.GiantPageSize));
        Assert.That(lookup.Page, Is.EqualTo(giant));
        Assert.That(lookup.Frame, Is.EqualTo(Ph(0x1_4000_0000)));
        Assert.That(_pt.Translate(V(0x8123_4567)).Value, Is.EqualTo(Ph(0x1_4123_4567)));
        var walk = _pt.Walk(V(0x8123_4567));
        Assert.That(walk.Stop, Is.EqualTo(PageWalkStop.HugePage));
        Assert.That(walk.StopLevel, Is.EqualTo(PageTableLevel.PDPT));
        Assert.That(walk.Physical, Is.EqualTo(Ph(0x1_4123_4567)));
        Assert.That(PageTable.Bytes(PageSize.Size1G), Is.EqualTo(1UL << 30));
        Assert.That(PageTable.Bytes(PageSize.Size2M), Is.EqualTo(2UL << 20));
        Assert.That(PageTable.Bytes(PageSize.Size4K), Is.EqualTo(4096UL));
        Assert.That(_pt.Map(V(0x8000_1000), Ph(0x5000), RW).Error, Is.EqualTo(MemoryError.Conflict),
            "a 4K page inside a 1G page");
        Assert.That(_pt.Unmap(V(0x8000_1000)).Error, Is.EqualTo(MemoryError.Conflict));
    }
}
