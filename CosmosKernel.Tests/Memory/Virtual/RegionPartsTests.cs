using MemOS.Memory;
using MemOS.Memory.Virtual;
using MemOS.Tests.Memory.Simulation;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Virtual;

/// <summary>
/// A region's runs of one backing: a region shrunk to nothing takes the next growth's backing as its only part (no
/// empty part left in front), a growth with the same backing adds no part, and the names of the backings.
/// </summary>
public class RegionPartsTests
{
    private const ulong Page = 4096;
    private const RegionFlags RW = RegionFlags.Read | RegionFlags.Write;
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

    private Region Demand(ulong pages) => _space.CreateRegion("r", pages * Page, RW,
        RegionPlacement.Fixed(new VirtualAddress(0x1000_0000)), RegionBacking.Demand).Value;

    [Test]
    public void A_region_shrunk_to_nothing_takes_the_next_growths_backing_as_its_only_part()
    {
        var region = Demand(2);
        Assert.That(_space.Shrink(region, 2 * Page), Is.EqualTo(MemoryError.None));
        Assert.That(region.Length, Is.Zero);
        Assert.That(_space.Grow(region, Page, RegionBacking.Immediate), Is.EqualTo(MemoryError.None));
        Assert.That(region.PartCount, Is.EqualTo(1));
        Assert.That(region.DescribeBacking(), Is.EqualTo("immediate"));
        Assert.That(region.Part(0), Is.EqualTo(new RegionPart(region.Base, Page, RegionBacking.Immediate)));
        Assert.That(region.BackingAt(region.Base), Is.EqualTo(RegionBacking.Immediate));
        Assert.That(region.ResidentPages, Is.EqualTo(1UL), "immediate: populated at once");
    }

    [Test]
    public void Growth_with_another_backing_adds_a_part_and_with_the_same_backing_none()
    {
        var region = Demand(2);
        Assert.That(_space.Grow(region, Page, RegionBacking.Demand), Is.EqualTo(MemoryError.None));
        Assert.That(region.PartCount, Is.EqualTo(1));
        Assert.That(_space.Grow(region, Page, RegionBacking.Immediate), Is.EqualTo(MemoryError.None));
        Assert.That(_space.Grow(region, Page, RegionBacking.Immediate), Is.EqualTo(MemoryError.None));
        Assert.That(region.DescribeBacking(), Is.EqualTo("demand+immediate"));
        Assert.That(region.Part(1),
            Is.EqualTo(new RegionPart(region.Base + 3 * Page, 2 * Page, RegionBacking.Immediate)));
        Assert.That(region.BackingAt(region.Base + 2 * Page), Is.EqualTo(RegionBacking.Demand));
        Assert.That(region.BackingAt(region.Base + 3 * Page), Is.EqualTo(RegionBacking.Immediate));
        Assert.That(region.BackingAt(region.End), Is.EqualTo(RegionBacking.Immediate), "past the end: the last part");
    }

    [Test]
    public void Backings_have_names_and_an_undefined_one_is_unknown()
    {
        Assert.That(RegionBacking.Immediate.Describe(), Is.EqualTo("immediate"));
        Assert.That(RegionBacking.Demand.Describe(), Is.EqualTo("demand"));
        Assert.That(RegionBacking.Mmio.Describe(), Is.EqualTo("mmio"));
        Assert.That(((RegionBacking)7).Describe(), Is.EqualTo("unknown"));
    }
}
