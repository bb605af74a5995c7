using MemOS.Memory;
using MemOS.Memory.Physical;

namespace MemOS.Kernel.MemoryManagement;

/// <summary>
/// The kernel address space's one frame allocator, handed to its page table, the kernel-half template and the
/// fault resolver alike: the boot pool until the PMM exists, then the PMM for good (it switches once).
/// </summary>
internal sealed class KernelFrameSource(BootFrameAllocator boot) : IFrameAllocator
{
    private PhysicalMemoryManager? _pmm;

    /// <summary>The PMM once the switch happened, null before.</summary>
    public PhysicalMemoryManager? Pmm => _pmm;

    /// <summary>From now on every frame comes from (and goes back to) the PMM; the boot pool is closed.</summary>
    public MemoryError SwitchTo(PhysicalMemoryManager pmm)
    {
        if (_pmm != null) return MemoryError.InvalidArgument;
        _pmm = pmm;
        return MemoryError.None;
    }

    public Result<PhysicalAddress> AllocateFrame() => _pmm != null ? _pmm.AllocateFrame() : boot.AllocateFrame();
    // User memory stops at the PMM's reserve (before the switch there is none to keep).
    public Result<PhysicalAddress> AllocateUserFrame()
        => _pmm != null ? _pmm.AllocateUserFrame() : boot.AllocateUserFrame();

    // The commit charge is the PMM's (the boot pool refuses charges).
    public MemoryError Charge(ulong frames) => _pmm != null ? _pmm.Charge(frames) : boot.Charge(frames);

    public void Uncharge(ulong frames)
    {
        if (_pmm != null) _pmm.Uncharge(frames);
    }

    public Result<PhysicalAddress> AllocateCharged() => _pmm != null ? _pmm.AllocateCharged() : boot.AllocateCharged();

    public MemoryError FreeFrame(PhysicalAddress frame) => _pmm != null ? _pmm.FreeFrame(frame) : boot.FreeFrame(frame);

    public MemoryError AddReference(PhysicalAddress frame)
        => _pmm != null ? _pmm.AddReference(frame) : boot.AddReference(frame);

    // Before the switch the pool answers (1 for its frames); after it the PMM does, and the pool's frames are
    // reserved there (0): the kernel-half tables in them are never freed.
    public int ReferenceCount(PhysicalAddress frame)
        => _pmm != null ? _pmm.ReferenceCount(frame) : boot.ReferenceCount(frame);
}
