using MemOS.Memory;
using MemOS.Memory.Paging;
using MemOS.Tests.Memory.Simulation;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Paging;

/// <summary>
/// The shared kernel half: made whole or not at all, its PDPTs kept while they map anything, and a page table refuses a
/// template of another physical-address width.
/// </summary>
public class KernelHalfTemplateTests
{
    private const PageFlags RW = PageFlags.Writable;

    [Test]
    public void Running_out_of_frames_while_making_it_gives_back_every_PDPT_made()
    {
        using var rig = new Rig(frames: 600);
        rig.Frames.FailAfter = 100;
        Assert.That(KernelHalfTemplate.Create(rig.Ram, rig.Frames).Error, Is.EqualTo(MemoryError.OutOfMemory));
        Assert.That(rig.Frames.AllocatedFrames, Is.Zero);
        rig.Frames.FailAfter = null;
        Assert.That(KernelHalfTemplate.Create(rig.Ram, rig.Frames).Ok, Is.True);
    }

    [Test]
    public void Its_entries_are_present_supervisor_writable_and_point_at_zeroed_PDPTs()
    {
        using var rig = new Rig(frames: 600);
        var template = KernelHalfTemplate.Create(rig.Ram, rig.Frames, physicalAddressBits: 40).Value;
        Assert.That(template.PhysicalAddressBits, Is.EqualTo(40));
        for (int i = KernelHalfTemplate.FirstEntry; i < 512; i++)
        {
            var entry = new PageTableEntry(template.Entry(i));
            Assert.That(entry.Flags, Is.EqualTo(PageFlags.Present | RW));
            Assert.That(entry.Address(PageTableEntry.AddressMask(40)), Is.EqualTo(template.Pdpt(i)));
            Assert.That(rig.Frames.IsAllocated(template.Pdpt(i)), Is.True);
            Assert.That(rig.Ram.Read64(template.Pdpt(i) + 4088), Is.Zero, "zeroed (the allocator hands out junk)");
        }
        Assert.That(template.Pdpt(300), Is.Not.EqualTo(template.Pdpt(301)));
    }

    [Test]
    public void Release_is_refused_while_a_kernel_page_is_mapped_through_it()
    {
        using var rig = new Rig(frames: 600);
        var template = KernelHalfTemplate.Create(rig.Ram, rig.Frames).Value;
        var pt = PageTable.Create(rig.Ram, rig.Frames, rig.Tlb, template).Value;
        var kernel = new VirtualAddress(0xFFFF_FF80_0000_0000); // the last PML4 entry
        Assert.That(pt.Map(kernel, new PhysicalAddress(0x9000), RW).Ok, Is.True);
        int allocated = rig.Frames.AllocatedFrames;
        Assert.That(template.Release(rig.Ram), Is.EqualTo(MemoryError.Conflict));
        Assert.That(rig.Frames.AllocatedFrames, Is.EqualTo(allocated), "nothing freed");
        Assert.That(pt.Unmap(kernel).Ok, Is.True);
        Assert.That(pt.Destroy(), Is.EqualTo(MemoryError.None));
        Assert.That(template.Release(rig.Ram), Is.EqualTo(MemoryError.None));
        Assert.That(rig.Frames.AllocatedFrames, Is.Zero);
    }

    [Test]
    public void A_page_table_takes_only_a_template_of_its_own_width_and_widths_32_to_52()
    {
        using var rig = new Rig(frames: 600);
        var template = KernelHalfTemplate.Create(rig.Ram, rig.Frames, physicalAddressBits: 46).Value;
        Assert.That(PageTable.Create(rig.Ram, rig.Frames, rig.Tlb, template).Error,
            Is.EqualTo(MemoryError.InvalidArgument), "52 bits against a 46-bit template");
        Assert.That(PageTable.Create(rig.Ram, rig.Frames, rig.Tlb, template, physicalAddressBits: 46).Ok, Is.True);
        Assert.That(PageTable.Create(rig.Ram, rig.Frames, rig.Tlb, physicalAddressBits: 31).Error,
            Is.EqualTo(MemoryError.InvalidArgument));
        Assert.That(PageTable.Create(rig.Ram, rig.Frames, rig.Tlb, physicalAddressBits: 53).Error,
            Is.EqualTo(MemoryError.InvalidArgument));
        Assert.That(PageTable.Create(rig.Ram, rig.Frames, rig.Tlb, physicalAddressBits: 32).Value.PhysicalAddressBits,
            Is.EqualTo(32));
        Assert.That(PageTable.Create(rig.Ram, rig.Frames, rig.Tlb, physicalAddressBits: 52).Value.PhysicalAddressBits,
            Is.EqualTo(52));
    }

    [Test]
    public void A_page_table_with_no_frame_for_its_root_is_refused()
    {
        using var rig = new Rig();
        rig.Frames.FailAfter = 0;
        Assert.That(PageTable.Create(rig.Ram, rig.Frames, rig.Tlb).Error, Is.EqualTo(MemoryError.OutOfMemory));
    }
}
