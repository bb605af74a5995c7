using System.Collections.Generic;
using MemOS.Memory;
using MemOS.Memory.Physical;
using MemOS.Memory.Simulation;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Physical;

/// <summary>
/// Fresh runs: the PMM's free memory is put into the buddy lists only when needed, so bring-up writes nothing into
/// free RAM, and the blocks carved later have the shape the statistics promised.
/// </summary>
public class FreshRunTests
{
    [Test]
    public void Bring_up_of_16_GiB_writes_no_word_of_free_RAM_and_the_first_frame_touches_only_its_block()
    {
        var memory = new SparsePhysicalMemory();
        var pmm = new PhysicalMemoryManager(Fixtures.Flat(16 * Fixtures.GiB), memory);
        Assert.That(memory.WordsTouched, Is.Zero, "nothing written into free frames at construction");
        var boot = pmm.Statistics;
        Assert.That(boot.FreeFrames, Is.EqualTo(16 * Fixtures.GiB / 4096));
        Assert.That(boot.FreeBlocks(PhysicalMemoryManager.MaxOrder), Is.EqualTo(4096UL),
            "counted as the blocks to come");
        Assert.That(boot.FragmentationIndex, Is.Zero);

        var f = pmm.AllocateFrame();
        Assert.That(f.Ok, Is.True);
        Assert.That(f.Value.Value, Is.LessThan(4 * Fixtures.MiB), "carved from the low end");
        Assert.That(memory.WordsTouched, Is.LessThan(64), "one 4 MiB block carved and split, not 4096 listed");
        Assert.That(pmm.Check(out var problem), Is.EqualTo(MemoryError.None), problem);
        Assert.That(pmm.FreeFrame(f.Value), Is.EqualTo(MemoryError.None));
        Assert.That(pmm.Statistics.FreeFrames, Is.EqualTo(boot.FreeFrames));
    }

    [Test]
    public void Every_block_comes_out_once_in_the_promised_shape_and_goes_back_to_it()
    {
        using var ram = new SimulatedRam(128 * Fixtures.MiB);
        var pmm = new PhysicalMemoryManager(Fixtures.Booted(Fixtures.Qemu128M()), ram);
        var boot = pmm.Statistics;
        var runs = new List<(PhysicalAddress At, int Order)>();
        for (int order = PhysicalMemoryManager.MaxOrder; order >= 0; order--)
            for (var r = pmm.AllocateContiguous(order, FrameConstraints.None, FrameUsage.Used); r.Ok;
                 r = pmm.AllocateContiguous(order, FrameConstraints.None, FrameUsage.Used))
            {
                runs.Add((r.Value, order));
                if (runs.Count > 100_000) Assert.Fail("runs never ran out");
            }
        Assert.That(pmm.Statistics.FreeFrames, Is.Zero);
        for (int order = 0; order <= PhysicalMemoryManager.MaxOrder; order++)
            Assert.That((ulong)runs.FindAll(x => x.Order == order).Count, Is.EqualTo(boot.FreeBlocks(order)),
                $"order {order}: as many blocks as the statistics counted at boot");
        Assert.That(pmm.Check(out var problem), Is.EqualTo(MemoryError.None), problem);
        foreach (var (at, order) in runs) Assert.That(pmm.FreeContiguous(at, order), Is.EqualTo(MemoryError.None));
        pmm.DrainFrameCache();
        var after = pmm.Statistics;
        for (int order = 0; order <= PhysicalMemoryManager.MaxOrder; order++)
            Assert.That(after.FreeBlocks(order), Is.EqualTo(boot.FreeBlocks(order)), $"order {order} merged back");
        Assert.That(pmm.Check(out problem), Is.EqualTo(MemoryError.None), problem);
    }

    [Test]
    public void A_constrained_request_carves_below_its_limit_and_fresh_frames_answer_as_free()
    {
        using var ram = new SimulatedRam(128 * Fixtures.MiB);
        var pmm = new PhysicalMemoryManager(Fixtures.Booted(Fixtures.Qemu128M()), ram);
        var low = pmm.AllocateContiguous(2, FrameConstraints.Below(new PhysicalAddress(8 * Fixtures.MiB)),
            FrameUsage.Used);
        Assert.That(low.Ok, Is.True);
        Assert.That(low.Value.Value + 4 * 4096, Is.LessThanOrEqualTo(8 * Fixtures.MiB));
        var aligned = pmm.AllocateContiguous(0, FrameConstraints.Aligned(2 * Fixtures.MiB), FrameUsage.Used);
        Assert.That(aligned.Ok, Is.True);
        Assert.That(aligned.Value.Value % (2 * Fixtures.MiB), Is.Zero);
        Assert.That(pmm.Check(out var problem), Is.EqualTo(MemoryError.None), problem);

        // The top of RAM is still fresh (never listed), and answers as any free frame does.
        ulong top = 0x7fd_f000;
        Assert.That(pmm.UsageOf(new PhysicalAddress(top)), Is.EqualTo(FrameUsage.Free));
        Assert.That(pmm.FreeFrame(new PhysicalAddress(top)), Is.EqualTo(MemoryError.DoubleFree));
        Assert.That(pmm.AddReference(new PhysicalAddress(top)), Is.EqualTo(MemoryError.NotAllocated));
        Assert.That(pmm.Check(out problem), Is.EqualTo(MemoryError.None), problem);
    }
}
