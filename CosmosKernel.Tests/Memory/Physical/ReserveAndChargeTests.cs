using MemOS.Memory;
using MemOS.Memory.Physical;
using MemOS.Memory.Simulation;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Physical;

/// <summary>
/// The kernel's reserve and the commit charge, counted frame by frame at the PMM: the default reserve's clamps, what
/// user-side calls may take, what a charge promises, and the exact free count at which each allocation path stops.
/// </summary>
[TestFixture]
public sealed class ReserveAndChargeTests
{
    private SimulatedRam _ram = null!;
    private PhysicalMemoryManager _pmm = null!;

    [SetUp]
    public void SetUp()
    {
        _ram = new SimulatedRam(8 * Fixtures.MiB);
        _pmm = new PhysicalMemoryManager(
            new MemoryMap(new[] { new MemoryMapEntry(0x100000, 0x700000, 1) }), _ram); // 1,792 frames
    }

    [TearDown]
    public void TearDown() => _ram.Dispose();

    // usable/64, at least 256 frames and at most 2,048, and never more than half of the usable frames.
    [TestCase(0x10_0000UL, 128UL)]          // 256 frames: the minimum would be all of it, so half
    [TestCase(0x80_0000UL, 256UL)]          // 2,048 frames: 32 is below the minimum
    [TestCase(0x1000_0000UL, 1024UL)]       // 65,536 frames: 1/64 lies between the clamps
    [TestCase(0x4000_0000UL, 2048UL)]       // 262,144 frames: 4,096 is above the maximum
    public void The_default_reserve_is_a_64th_of_usable_memory_clamped(ulong usableBytes, ulong frames)
    {
        var pmm = new PhysicalMemoryManager(new MemoryMap(new[] { new MemoryMapEntry(0x100000, usableBytes, 1) }),
            new SparsePhysicalMemory());
        Assert.That(pmm.ReserveFrames, Is.EqualTo(frames));
        pmm.ReserveFrames = 7;
        Assert.That(pmm.ReserveFrames, Is.EqualTo(7UL), "a set reserve replaces the default");
    }

    [Test]
    public void Frames_above_the_reserve_leave_out_the_reserve_and_the_charge()
    {
        ulong free = _pmm.FreeFrameCount;
        _pmm.ReserveFrames = 100;
        Assert.That(_pmm.FramesAboveReserve, Is.EqualTo(free - 100));
        Assert.That(_pmm.Charge(50), Is.EqualTo(MemoryError.None));
        Assert.That(_pmm.ChargedFrames, Is.EqualTo(50UL));
        Assert.That(_pmm.FramesAboveReserve, Is.EqualTo(free - 150));
        _pmm.ReserveFrames = free - 50;
        Assert.That(_pmm.FramesAboveReserve, Is.Zero, "free = reserve + charge: nothing above");
        _pmm.ReserveFrames = free;
        Assert.That(_pmm.FramesAboveReserve, Is.Zero, "free below reserve + charge: still nothing, no wrap");
    }

    [Test]
    public void A_charge_takes_at_most_what_is_above_the_reserve_and_charges_nothing_when_refused()
    {
        _pmm.ReserveFrames = 100;
        ulong above = _pmm.FramesAboveReserve;
        Assert.That(_pmm.Charge(above + 1), Is.EqualTo(MemoryError.OutOfMemory));
        Assert.That(_pmm.ChargedFrames, Is.Zero);
        Assert.That(_pmm.Charge(above - 10), Is.EqualTo(MemoryError.None));
        Assert.That(_pmm.Charge(11), Is.EqualTo(MemoryError.OutOfMemory));
        Assert.That(_pmm.Charge(10), Is.EqualTo(MemoryError.None), "exactly what is left may be charged");
        Assert.That(_pmm.ChargedFrames, Is.EqualTo(above));
        Assert.That(_pmm.FreeFrameCount, Is.EqualTo(above + 100), "a charge takes no frame yet");
    }

    [Test]
    public void Uncharge_gives_back_what_it_is_told_and_never_more_than_is_charged()
    {
        Assert.That(_pmm.Charge(10), Is.EqualTo(MemoryError.None));
        _pmm.Uncharge(3);
        Assert.That(_pmm.ChargedFrames, Is.EqualTo(7UL));
        _pmm.Uncharge(7);
        Assert.That(_pmm.ChargedFrames, Is.Zero);
        Assert.That(_pmm.Charge(4), Is.EqualTo(MemoryError.None));
        _pmm.Uncharge(100);
        Assert.That(_pmm.ChargedFrames, Is.Zero);
    }

    [Test]
    public void Charged_frames_go_only_to_AllocateCharged_and_it_cannot_fail_while_a_charge_is_left()
    {
        Assert.That(_pmm.AllocateCharged().Error, Is.EqualTo(MemoryError.InvalidArgument), "nothing charged");
        _pmm.ReserveFrames = 0;
        ulong free = _pmm.FreeFrameCount;
        Assert.That(_pmm.Charge(free - 7), Is.EqualTo(MemoryError.None));
        // Seven uncharged frames: an order-2 run (4) fits, an order-3 run (8) does not, then 2 + 1 frames.
        Assert.That(_pmm.AllocateContiguous(3, FrameConstraints.None, FrameUsage.Used).Error,
            Is.EqualTo(MemoryError.OutOfMemory));
        Assert.That(_pmm.AllocateContiguous(2, FrameConstraints.None, FrameUsage.Used).Ok, Is.True);
        Assert.That(_pmm.AllocateContiguous(2, FrameConstraints.None, FrameUsage.Used).Error,
            Is.EqualTo(MemoryError.OutOfMemory));
        Assert.That(_pmm.AllocateContiguous(1, FrameConstraints.None, FrameUsage.Used).Ok, Is.True);
        Assert.That(_pmm.AllocateFrame().Ok, Is.True);
        Assert.That(_pmm.FreeFrameCount, Is.EqualTo(_pmm.ChargedFrames), "only charged frames are left");
        Assert.That(_pmm.AllocateFrame().Error, Is.EqualTo(MemoryError.OutOfMemory));
        Assert.That(_pmm.AllocateFrame(FrameUsage.PageTable).Error, Is.EqualTo(MemoryError.OutOfMemory));
        Assert.That(_pmm.AllocateUserFrame().Error, Is.EqualTo(MemoryError.OutOfMemory));
        Assert.That(_pmm.AllocateContiguous(0, FrameConstraints.None, FrameUsage.Used).Error,
            Is.EqualTo(MemoryError.OutOfMemory));
        for (ulong left = _pmm.ChargedFrames; left > 0; left--)
        {
            var frame = _pmm.AllocateCharged();
            Assert.That(frame.Ok, Is.True, $"{left} charged frames left");
            Assert.That(_pmm.ChargedFrames, Is.EqualTo(left - 1));
        }
        Assert.That(_pmm.FreeFrameCount, Is.Zero);
        Assert.That(_pmm.AllocateCharged().Error, Is.EqualTo(MemoryError.InvalidArgument), "the charge is used up");
        Assert.That(_pmm.Check(out string? problem), Is.EqualTo(MemoryError.None), problem);
    }

    [Test]
    public void User_side_allocations_stop_at_the_reserve_and_the_kernel_takes_the_rest()
    {
        _pmm.ReserveFrames = _pmm.FreeFrameCount - 5;
        Assert.That(_pmm.AllocateContiguousOutsideReserve(3, FrameConstraints.None, FrameUsage.Used).Error,
            Is.EqualTo(MemoryError.OutOfMemory), "8 frames, 5 above the reserve");
        Assert.That(_pmm.AllocateContiguousOutsideReserve(2, FrameConstraints.None, FrameUsage.Used).Ok, Is.True);
        Assert.That(_pmm.AllocateContiguousOutsideReserve(0, FrameConstraints.None, FrameUsage.Used).Ok, Is.True,
            "exactly the last frame above the reserve");
        Assert.That(_pmm.FramesAboveReserve, Is.Zero);
        Assert.That(_pmm.AllocateUserFrame().Error, Is.EqualTo(MemoryError.OutOfMemory));
        Assert.That(_pmm.AllocateContiguousOutsideReserve(0, FrameConstraints.None, FrameUsage.Used).Error,
            Is.EqualTo(MemoryError.OutOfMemory));
        // A bad order is the ordinary call's error, not "out of memory".
        Assert.That(_pmm.AllocateContiguousOutsideReserve(-1, FrameConstraints.None, FrameUsage.Used).Error,
            Is.EqualTo(MemoryError.InvalidArgument));
        Assert.That(_pmm.AllocateContiguousOutsideReserve(PhysicalMemoryManager.MaxOrder + 1, FrameConstraints.None,
            FrameUsage.Used).Error, Is.EqualTo(MemoryError.InvalidArgument));
        Assert.That(_pmm.AllocateFrame(FrameUsage.Heap).Ok, Is.True, "the reserve is the kernel's");
        _pmm.ReserveFrames = _pmm.FreeFrameCount - 1;
        Assert.That(_pmm.AllocateUserFrame().Ok, Is.True, "one frame above the reserve");
        Assert.That(_pmm.AllocateUserFrame().Error, Is.EqualTo(MemoryError.OutOfMemory));
    }
}
