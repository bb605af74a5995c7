using MemOS.Memory;
using MemOS.Memory.Physical;

namespace MemOS.Kernel.MemoryManagement;

/// <summary>
/// Frames for the kernel's first page tables, before the PMM exists: a bump pointer over one usable range below
/// 4 GiB (which the boot tables already map). Once the PMM is attached every request goes to it. The bumped range
/// is reserved in the memory map as boot tables before the PMM is built, so it is never handed out twice.
/// </summary>
internal sealed class BootFrameAllocator(PhysicalAddress start, PhysicalAddress end, IPhysicalMemory memory) : IFrameAllocator
{
    private PhysicalAddress _next = start;
    private readonly PhysicalAddress _start = start;
    private PhysicalMemoryManager? _pmm;

    public PhysicalAddress Start => _start;
    public PhysicalAddress Next => _next;
    public PhysicalMemoryManager? Pmm => _pmm;

    public void Attach(PhysicalMemoryManager pmm) => _pmm = pmm;

    public Result<PhysicalAddress> AllocateFrame()
    {
        if (_pmm != null) return _pmm.AllocateFrame();
        if (_next.Value + PhysicalAddress.FrameSize > end.Value) return Result<PhysicalAddress>.Fail(MemoryError.OutOfMemory);
        PhysicalAddress frame = _next;
        _next = _next + PhysicalAddress.FrameSize;
        memory.Zero(frame, PhysicalAddress.FrameSize);
        return Result<PhysicalAddress>.Success(frame);
    }

    public MemoryError FreeFrame(PhysicalAddress frame) => _pmm?.FreeFrame(frame) ?? MemoryError.ReservedFrame;
    public MemoryError AddReference(PhysicalAddress frame) => _pmm?.AddReference(frame) ?? MemoryError.ReservedFrame;
    public int ReferenceCount(PhysicalAddress frame) => _pmm?.ReferenceCount(frame) ?? (frame.Value >= _start.Value && frame.Value < _next.Value ? 1 : 0);
}
