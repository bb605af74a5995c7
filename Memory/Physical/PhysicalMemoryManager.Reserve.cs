namespace MemOS.Memory.Physical;

// What is held back from ordinary allocation. The kernel's emergency reserve (Linux's min_free): the last frames go
// only to the kernel itself (its heap, page tables, the zero page), so user-side growth and frames taken by hand fail
// first and the kernel can still allocate what it needs to report that failure. And the commit charge (Linux's
// overcommit accounting, Windows' commit): frames promised to demand pages the heap has committed, taken only by the
// faults that map those pages, so such a fault cannot fail.
public sealed partial class PhysicalMemoryManager
{
    /// <summary>Fewest frames the reserve holds: 1 MiB.</summary>
    public const ulong MinimumReserveFrames = 256;
    /// <summary>Most frames the reserve holds: 8 MiB.</summary>
    public const ulong MaximumReserveFrames = 2048;

    private ulong _reserveFrames = ulong.MaxValue; // unset: the default from the usable frames

    /// <summary>
    /// Frames user-side allocations cannot take: 1/64 of usable memory, clamped to 1-8 MiB (and never more than half
    /// of it), unless set.
    /// </summary>
    public ulong ReserveFrames
    {
        get
        {
            if (_reserveFrames != ulong.MaxValue) return _reserveFrames;
            ulong r = _usableFrames / 64;
            if (r < MinimumReserveFrames) r = MinimumReserveFrames;
            if (r > MaximumReserveFrames) r = MaximumReserveFrames;
            return r > _usableFrames / 2 ? _usableFrames / 2 : r;
        }
        set => _reserveFrames = value;
    }

    private ulong _chargedFrames;

    /// <summary>Frames charged to committed demand pages and not yet taken: no other allocation gets them.</summary>
    public ulong ChargedFrames => _chargedFrames;

    /// <summary>Frames free for user-side allocations: free frames beyond the charge and the reserve.</summary>
    public ulong FramesAboveReserve
        => _freeFrames > ReserveFrames + _chargedFrames ? _freeFrames - ReserveFrames - _chargedFrames : 0;

    /// <summary>Promise frames to committed demand pages; OutOfMemory (nothing charged) if only the reserve is
    /// left.</summary>
    public MemoryError Charge(ulong frames)
    {
        if (FramesAboveReserve < frames) return MemoryError.OutOfMemory;
        _chargedFrames += frames;
        return MemoryError.None;
    }

    /// <summary>Give back charged frames no fault will take.</summary>
    public void Uncharge(ulong frames) => _chargedFrames -= frames < _chargedFrames ? frames : _chargedFrames;

    /// <summary>
    /// A charged frame for the fault that maps a committed page. It cannot fail while a charge is outstanding: every
    /// other allocation leaves the charged frames alone (<see cref="ChargedFramesUntouched"/>).
    /// </summary>
    public Result<PhysicalAddress> AllocateCharged()
    {
        if (_chargedFrames == 0) return Result<PhysicalAddress>.Fail(MemoryError.InvalidArgument);
        _chargedFrames--;
        return TakeCached(FrameUsage.Used);
    }

    // Taking 2^order frames leaves enough free for every outstanding charge (checked on every allocation path).
    private bool ChargedFramesUntouched(int order) => _freeFrames >= _chargedFrames + (1UL << order);

    /// <summary>A frame for user memory: OutOfMemory when only the kernel's reserve is left.</summary>
    public Result<PhysicalAddress> AllocateUserFrame()
        => FramesAboveReserve == 0 ? Result<PhysicalAddress>.Fail(MemoryError.OutOfMemory)
            : TakeCached(FrameUsage.Used);

    /// <summary>
    /// A run of 2^order frames on behalf of a user (the shell's `pmm alloc`): OutOfMemory when it would dip into the
    /// reserve.
    /// </summary>
    public Result<PhysicalAddress> AllocateContiguousOutsideReserve(int order, FrameConstraints constraints,
        FrameUsage usage)
    {
        if (order >= 0 && order <= MaxOrder && FramesAboveReserve < 1UL << order)
            return Result<PhysicalAddress>.Fail(MemoryError.OutOfMemory);
        return AllocateContiguous(order, constraints, usage);
    }
}
