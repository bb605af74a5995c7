using MemOS.Memory.Paging;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Paging;

/// <summary>
/// The reserved bits of huge-page entries as the CPU checks them: a 1 GiB page's address bits 13..29 and a 2 MiB page's
/// 13..20 must be zero, and each is reported together with any address bit above the physical width.
/// </summary>
public class HugePageReservedBitsTests
{
    private const ulong PresentHuge = 0x81;

    [Test]
    public void A_1G_page_reports_its_address_bits_13_to_29()
    {
        Assert.That(PageTableEntry.ReservedBits(0x2000 | PresentHuge, PageTableLevel.PDPT, 52, true),
            Is.EqualTo(0x2000UL));
        Assert.That(PageTableEntry.ReservedBits(0x3FFF_E000 | PresentHuge, PageTableLevel.PDPT, 52, true),
            Is.EqualTo(0x3FFF_E000UL));
        Assert.That(PageTableEntry.ReservedBits(0x4000_0000 | PresentHuge, PageTableLevel.PDPT, 52, true), Is.Zero,
            "bit 30 is the page's address");
        Assert.That(PageTableEntry.ReservedBits(0x2000 | 0x1, PageTableLevel.PDPT, 52, true), Is.Zero,
            "a PDPT entry without PS points at a PD: bit 13 is its address");
    }

    [Test]
    public void Huge_page_bits_add_to_address_bits_above_the_width()
    {
        const ulong aboveWidth = 1UL << 45;
        Assert.That(PageTableEntry.ReservedBits(aboveWidth | 0x2000 | PresentHuge, PageTableLevel.PDPT, 40, true),
            Is.EqualTo(aboveWidth | 0x2000));
        Assert.That(PageTableEntry.ReservedBits(aboveWidth | 0x10_0000 | PresentHuge, PageTableLevel.PD, 40, true),
            Is.EqualTo(aboveWidth | 0x10_0000));
    }
}
