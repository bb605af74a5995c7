using System.Collections.Generic;
using MemOS.Memory;
using MemOS.Memory.Paging;
using MemOS.Tests.Memory.Simulation;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Paging;

/// <summary>
/// The kernel half's frames, exactly: a failed build gives back the PDPTs it made and frees nothing else, and Release
/// looks at every entry of every PDPT (a kernel page mapped through the last entry of the last PDPT still keeps it).
/// </summary>
public class KernelHalfReleaseTests
{
    private const PageFlags RW = PageFlags.Writable;

    /// <summary>The test allocator, counting every free and every free it refused.</summary>
    private sealed class CountingFrames(TestFrameAllocator inner) : IFrameAllocator
    {
        public List<MemoryError> Frees { get; } = new();
        public Result<PhysicalAddress> AllocateFrame() => inner.AllocateFrame();
        public Result<PhysicalAddress> AllocateUserFrame() => inner.AllocateUserFrame();
        public MemoryError Charge(ulong frames) => inner.Charge(frames);
        public void Uncharge(ulong frames) => inner.Uncharge(frames);
        public Result<PhysicalAddress> AllocateCharged() => inner.AllocateCharged();
        public MemoryError AddReference(PhysicalAddress frame) => inner.AddReference(frame);
        public int ReferenceCount(PhysicalAddress frame) => inner.ReferenceCount(frame);

        public MemoryError FreeFrame(PhysicalAddress frame)
        {
            var error = inner.FreeFrame(frame);
            Frees.Add(error);
            return error;
        }
    }

    [Test]
    public void A_failed_build_frees_each_PDPT_it_made_once_and_nothing_else()
    {
        using var rig = new Rig(frames: 600);
        var frames = new CountingFrames(rig.Frames);
        rig.Frames.FailAfter = 100;
        Assert.That(KernelHalfTemplate.Create(rig.Ram, frames).Error, Is.EqualTo(MemoryError.OutOfMemory));
        Assert.That(frames.Frees, Has.Count.EqualTo(100), "the 100 PDPTs made, not the one that failed");
        Assert.That(frames.Frees, Is.All.EqualTo(MemoryError.None), "no free of a frame it never had");
        Assert.That(rig.Frames.AllocatedFrames, Is.Zero);
    }

    [TestCase(0xFFFF_FFFF_C000_0000UL, TestName = "the last entry of the last PDPT")]
    [TestCase(0xFFFF_FFFF_8000_0000UL, TestName = "the usual kernel base (PDPT entry 510)")]
    [TestCase(0xFFFF_8000_4000_0000UL, TestName = "the second entry of the first PDPT")]
    public void Release_sees_a_page_mapped_through_any_PDPT_entry(ulong address)
    {
        using var rig = new Rig(frames: 600);
        var template = KernelHalfTemplate.Create(rig.Ram, rig.Frames).Value;
        var pt = PageTable.Create(rig.Ram, rig.Frames, rig.Tlb, template).Value;
        var kernel = new VirtualAddress(address);
        Assert.That(pt.Map(kernel, new PhysicalAddress(0x9000), RW).Ok, Is.True);
        Assert.That(template.Release(rig.Ram), Is.EqualTo(MemoryError.Conflict));
        Assert.That(pt.Unmap(kernel).Ok, Is.True);
        Assert.That(pt.Destroy(), Is.EqualTo(MemoryError.None));
        Assert.That(template.Release(rig.Ram), Is.EqualTo(MemoryError.None));
        Assert.That(rig.Frames.AllocatedFrames, Is.Zero);
    }
}
