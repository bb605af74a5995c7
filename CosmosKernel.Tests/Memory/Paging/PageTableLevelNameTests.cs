using MemOS.Memory.Paging;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Paging;

/// <summary>Level names as `pagewalk` prints them, and a value outside 1..4 named by its number.</summary>
public class PageTableLevelNameTests
{
    [Test]
    public void Each_level_has_its_name_and_any_other_value_its_number()
    {
        Assert.That(PageTableLevel.PML4.Name(), Is.EqualTo("PML4"));
        Assert.That(PageTableLevel.PDPT.Name(), Is.EqualTo("PDPT"));
        Assert.That(PageTableLevel.PD.Name(), Is.EqualTo("PD"));
        Assert.That(PageTableLevel.PT.Name(), Is.EqualTo("PT"));
        Assert.That(((PageTableLevel)5).Name(), Is.EqualTo("level 5"));
        Assert.That(((PageTableLevel)0).Name(), Is.EqualTo("level 0"));
    }
}
