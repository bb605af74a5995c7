using System;
using MemOS.Memory;
using MemOS.Memory.Physical;

namespace MemOS.Kernel.MemoryManagement;

/// <summary>
/// Frames for the kernel's first page tables, before the PMM exists: a bump pointer over one usable range below
/// 4 GiB (which the boot tables already map). The bumped range is reserved in the memory map as boot tables before
/// the PMM is built, so it is never handed out twice; its frames are never freed (the kernel half lives there).
/// </summary>
internal sealed class BootFrameAllocator(PhysicalAddress start, PhysicalAddress end, IPhysicalMemory memory)
    : IFrameAllocator
{
    /// <summary>How much the pool holds: the kernel's tables for the image and a direct map of a few TiB.</summary>
    public const ulong PoolSize = 4UL * 1024 * 1024;

    private readonly PhysicalAddress _start = start;
    private PhysicalAddress _next = start;

    public PhysicalAddress Start => _start;
    public PhysicalAddress Next => _next;

    /// <summary>Frames handed out so far.</summary>
    public ulong Used => (_next.Value - _start.Value) / PhysicalAddress.FrameSize;

    /// <summary>
    /// The pool's place: the first usable run of PoolSize above the kernel image and below 4 GiB (the boot direct
    /// map's reach), or null when there is none.
    /// </summary>
    public static PhysicalAddress? FindPool(MemoryMap map, KernelImage image)
    {
        ulong after = (KernelImage.Physical(image.End) + 0x1F_FFFF) & ~0x1F_FFFFUL;
        foreach (MemoryRange r in map.Ranges)
        {
            if (r.Type != MemoryType.Usable) continue;
            ulong first = Math.Max(r.Base.Value, after);
            if (first + PoolSize <= r.End && first + PoolSize <= 0x1_0000_0000) return new PhysicalAddress(first);
        }
        return null;
    }

    public Result<PhysicalAddress> AllocateFrame()
    {
        if (_next.Value + PhysicalAddress.FrameSize > end.Value)
            return Result<PhysicalAddress>.Fail(MemoryError.OutOfMemory);
        PhysicalAddress frame = _next;
        _next = _next + PhysicalAddress.FrameSize;
        memory.Zero(frame, PhysicalAddress.FrameSize);
        return Result<PhysicalAddress>.Success(frame);
    }

    // Before the PMM there is no user memory to keep a reserve from.
    public Result<PhysicalAddress> AllocateUserFrame() => AllocateFrame();

    // Nor any user heap to charge for: charges are refused, so nothing can count on a charged frame.
    public MemoryError Charge(ulong frames) => MemoryError.OutOfMemory;
    public void Uncharge(ulong frames) { }
    public Result<PhysicalAddress> AllocateCharged() => Result<PhysicalAddress>.Fail(MemoryError.InvalidArgument);

    public MemoryError FreeFrame(PhysicalAddress frame) => MemoryError.ReservedFrame;
    public MemoryError AddReference(PhysicalAddress frame) => MemoryError.ReservedFrame;
    public int ReferenceCount(PhysicalAddress frame)
        => frame.Value >= _start.Value && frame.Value < _next.Value ? 1 : 0;
}
