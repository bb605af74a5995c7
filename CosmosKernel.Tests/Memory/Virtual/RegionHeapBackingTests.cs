using MemOS.Memory;
using MemOS.Memory.Virtual;
using MemOS.Tests.Memory.Simulation;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Virtual;

public class RegionHeapBackingTests
{
    [Test]
    public void Extends_and_releases_only_at_the_region_end()
    {
        using var rig = new Rig();
        var space = AddressSpace.Create(rig.Ram, rig.Frames, rig.Tlb).Value;
        var region = space.CreateRegion("uheap", 0, RegionFlags.Read | RegionFlags.Write | RegionFlags.User,
            RegionPlacement.Fixed(new VirtualAddress(0x100_0000))).Value;
        IHeapBacking backing = new RegionHeapBacking(space, region);
        Assert.That(backing.Extend(new VirtualAddress(0x100_0000), 0x3000), Is.EqualTo(MemoryError.None));
        Assert.That(region.Length, Is.EqualTo(0x3000UL));
        Assert.That(space.PageTable.Translate(new VirtualAddress(0x100_2000)).Ok, Is.True);
        Assert.That(backing.Extend(new VirtualAddress(0x100_0000), 0x1000), Is.EqualTo(MemoryError.InvalidArgument),
            "not at the end");
        Assert.That(backing.Release(new VirtualAddress(0x100_1000), 0x1000), Is.EqualTo(MemoryError.InvalidArgument),
            "not ending at the end");
        Assert.That(backing.Release(new VirtualAddress(0x100_1000), 0x2000), Is.EqualTo(MemoryError.None));
        Assert.That(region.Length, Is.EqualTo(0x1000UL));
        Assert.That(space.PageTable.Translate(new VirtualAddress(0x100_1000)).Ok, Is.False);
        Assert.That(backing.Release(new VirtualAddress(0x0FF_F000), 0x2000), Is.EqualTo(MemoryError.InvalidArgument),
            "starts before the region");
    }
}
