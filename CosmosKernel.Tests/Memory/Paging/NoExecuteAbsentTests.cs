using MemOS.Memory;
using MemOS.Memory.Faults;
using MemOS.Memory.Paging;
using MemOS.Memory.Simulation;
using MemOS.Memory.Virtual;
using MemOS.Tests.Memory.Simulation;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Paging;

/// <summary>
/// A CPU without NX: bit 63 of an entry is then reserved, so page tables made for it drop NX from every entry they
/// write (pages meant to be no-execute stay executable, as on Linux), and nothing they map faults on a reserved bit.
/// </summary>
public class NoExecuteAbsentTests
{
    private const PageFlags RWNX = PageFlags.Writable | PageFlags.NoExecute;
    private const ulong NX = (ulong)PageFlags.NoExecute;

    private static PageTable Table(Rig rig, bool noExecute)
    {
        var template = KernelHalfTemplate.Create(rig.Ram, rig.Frames, noExecute: noExecute).Value;
        Assert.That(template.NoExecute, Is.EqualTo(noExecute));
        var table = PageTable.Create(rig.Ram, rig.Frames, rig.Tlb, template).Value;
        Assert.That(table.NoExecute, Is.EqualTo(noExecute));
        return table;
    }

    private static ulong Leaf(PageTable table, VirtualAddress va)
        => table.Walk(va).Steps[^1].RawEntry;

    [Test]
    public void Map_replace_protect_and_a_split_write_no_NX_bit_and_the_walk_finds_no_reserved_bit()
    {
        using var rig = new Rig(frames: 2000);
        var table = Table(rig, noExecute: false);
        var page = new VirtualAddress(0x40_0000);
        var huge = new VirtualAddress(0x4000_0000);
        Assert.That(table.Map(page, new PhysicalAddress(0x9000), RWNX).Ok, Is.True);
        Assert.That(Leaf(table, page) & NX, Is.Zero, "map");
        Assert.That(table.Replace(page, new PhysicalAddress(0xA000), RWNX).Ok, Is.True);
        Assert.That(Leaf(table, page) & NX, Is.Zero, "replace");
        Assert.That(table.Protect(page, PageFlags.NoExecute).Ok, Is.True);
        Assert.That(Leaf(table, page) & NX, Is.Zero, "protect");
        Assert.That(table.Lookup(page).Flags & PageFlags.NoExecute, Is.EqualTo(PageFlags.None));

        Assert.That(table.Map(huge, new PhysicalAddress(0x20_0000), RWNX, PageSize.Size2M).Ok, Is.True);
        Assert.That(Leaf(table, huge) & NX, Is.Zero, "2 MiB map");
        Assert.That(table.Protect(huge + 0x3000, PageFlags.NoExecute).Ok, Is.True, "splits the 2 MiB page");
        Assert.That(Leaf(table, huge) & NX, Is.Zero, "a piece the split copied");
        Assert.That(Leaf(table, huge + 0x3000) & NX, Is.Zero, "the piece protected");

        foreach (var va in new[] { page, huge, huge + 0x3000 })
            Assert.That(table.Walk(va).Stop, Is.EqualTo(PageWalkStop.Translated), va.ToString());
    }

    [Test]
    public void With_NX_the_same_changes_keep_the_bit()
    {
        using var rig = new Rig(frames: 2000);
        var table = Table(rig, noExecute: true);
        var page = new VirtualAddress(0x40_0000);
        Assert.That(table.Map(page, new PhysicalAddress(0x9000), RWNX).Ok, Is.True);
        Assert.That(Leaf(table, page) & NX, Is.EqualTo(NX));
        Assert.That(table.Protect(page, PageFlags.NoExecute).Ok, Is.True);
        Assert.That(Leaf(table, page) & NX, Is.EqualTo(NX));
        Assert.That(PageTable.Create(rig.Ram, rig.Frames, rig.Tlb).Value.NoExecute, Is.True,
            "a table with no template assumes NX");
    }

    [Test]
    public void On_a_machine_without_NXE_a_data_page_reads_writes_and_executes_without_a_reserved_bit_fault()
    {
        using var rig = new Rig(frames: 2000);
        var machine = new SimulatedMachine(rig.Ram, rig.Frames, PageFaultResolver.Create(rig.Ram, rig.Frames).Value)
        {
            NoExecuteEnabled = false,
        };
        var template = KernelHalfTemplate.Create(rig.Ram, rig.Frames, noExecute: false).Value;
        var space = machine.CreateAddressSpace(template).Value;
        machine.Cr3 = space;
        var data = space.CreateRegion("data", 4096, RegionFlags.Read | RegionFlags.Write | RegionFlags.User,
            RegionPlacement.Fixed(new VirtualAddress(0x10000)), RegionBacking.Demand).Value;

        Assert.That(machine.Touch(data.Base, Access.Write, true).Ok, Is.True, "first write: demand fault resolved");
        var read = machine.Touch(data.Base, Access.Read, true);
        Assert.That(read.Ok && !read.Faulted, Is.True, $"read: {read.Outcome}");
        var run = machine.Touch(data.Base, Access.Execute, true);
        Assert.That(run.Ok && !run.Faulted, Is.True, $"execute of a present data page: {run.Outcome}");
        Assert.That(machine.Statistics.Violations, Is.Zero);
    }
}
