using System.Runtime.CompilerServices;
using MemOS.Memory.Paging;
using MemOS.Memory.Tracing;
using MemOS.Memory.Virtual;

namespace MemOS.Memory.Faults;

/// <summary>
/// The page-fault handler's brain: given CR2, the error code and the address space, decide what kind of
/// fault this is (Decide), then have the address space carry it out (Apply): map the zero page or a demand page,
/// copy on write, make writable, or refuse (a violation).
/// </summary>
/// <remarks>
/// Decision is separate from action, as in Linux's mm/memory.c (the fault handler decides, the mapping's operations
/// act): the resolver changes no mapping and holds no frame allocator; the AddressSpace does both, with its own.
/// Every outcome has a name and a counter. The fault path allocates no managed memory; with tracing on, the fault,
/// the decision and any violation are narrated to <see cref="MemoryTrace"/>, the actions by the layers that take
/// them.
/// </remarks>
public sealed class PageFaultResolver
{
    private readonly long[] _counts = new long[FaultOutcomes.Count];
    private long _faults;
    private bool _released;

    private PageFaultResolver(PhysicalAddress zeroPage) => ZeroPage = zeroPage;

    /// <summary>
    /// A resolver with its zero page: one frame from <paramref name="frames"/>, zeroed, whose base reference stays
    /// taken until <see cref="Release"/>. The allocator is not kept.
    /// </summary>
    public static Result<PageFaultResolver> Create(IPhysicalMemory memory, IFrameAllocator frames)
    {
        var frame = frames.AllocateFrame();
        if (!frame.Ok) return Result<PageFaultResolver>.Fail(frame.Error);
        memory.Zero(frame.Value, PhysicalAddress.FrameSize);
        return Result<PageFaultResolver>.Success(new PageFaultResolver(frame.Value));
    }

    /// <summary>The shared zero page every demand read maps read-only.</summary>
    public PhysicalAddress ZeroPage { get; }

    /// <summary>CR4.SMAP: a kernel data access to a user page is a violation (unless EFLAGS.AC was set).</summary>
    public bool Smap { get; set; }

    /// <summary>CR4.SMEP: a kernel instruction fetch from a user page is a violation.</summary>
    public bool Smep { get; set; }

    /// <summary>How many faults ended with an outcome.</summary>
    public long Count(FaultOutcome outcome) => _counts[(int)outcome];

    public FaultStatistics Statistics
    {
        get
        {
            long violations = 0;
            for (int i = (int)FaultOutcome.NoRegion; i < FaultOutcomes.Count; i++) violations += _counts[i];
            return new FaultStatistics(_faults, Count(FaultOutcome.ZeroPageMapped),
                Count(FaultOutcome.PrivateFrameMapped),
                Count(FaultOutcome.ZeroPageCopied), Count(FaultOutcome.CopiedOnWrite), Count(FaultOutcome.MadeWritable),
                Count(FaultOutcome.Spurious), violations);
        }
    }

    /// <summary>
    /// Decide and act: the page-fault handler's one call. <paramref name="userAccessAllowed"/> is the faulting
    /// context's EFLAGS.AC (see <see cref="Decide"/>). The result says what happened.
    /// </summary>
    public FaultResolution Resolve(AddressSpace space, VirtualAddress cr2, ErrorCode code,
        bool userAccessAllowed = false)
    {
        if (MemoryTrace.On)
            MemoryTrace.Emit(MemoryEventKind.Fault, cr2.Value, value: userAccessAllowed ? 1UL : 0, detail: code.Value);
        var decision = Decide(space, cr2, code, userAccessAllowed, out ulong leafTable);
        if (decision.Region != null && MemoryTrace.On)
        {
            MemoryTrace.Emit(MemoryEventKind.FaultDecided, decision.Page.Value,
                value: (ulong)decision.Region.BackingAt(decision.Page), detail: (uint)decision.Outcome,
                region: decision.Region);
            leafTable = 0; // a trace sink runs code: walk again rather than trust the decision's walk
        }
        return Apply(space, decision, leafTable);
    }

    /// <summary>
    /// What kind of fault is this? Reads the regions and the page table; changes nothing.
    /// <paramref name="userAccessAllowed"/>: EFLAGS.AC was set (stac), so SMAP let the kernel reach user pages and
    /// cannot be what faulted.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public FaultResolution Decide(AddressSpace space, VirtualAddress cr2, ErrorCode code,
        bool userAccessAllowed = false)
        => Decide(space, cr2, code, userAccessAllowed, out _);

    // leafTable: the page table (PT) the decision's walk found for the page, or 0, so that Apply maps on it without
    // walking again (valid only until a page table changes: Resolve applies right after deciding).
    private FaultResolution Decide(AddressSpace space, VirtualAddress cr2, ErrorCode code, bool userAccessAllowed,
        out ulong leafTable)
    {
        leafTable = 0;
        var page = cr2.PageBase;
        if (!cr2.IsCanonical) return FaultResolution.Violation(FaultOutcome.NonCanonical, null, page);
        if (code.ReservedBitSet)
            return FaultResolution.Violation(FaultOutcome.ReservedBit, space.FindRegion(cr2), page);
        var region = space.FindRegion(cr2);
        bool execute = code.InstructionFetch;
        bool write = code.Write && !execute;
        if (region == null) return DecideWithoutRegion(space, page, code, write, execute);

        if (code.User && !region.IsUser) return FaultResolution.Violation(FaultOutcome.UserToSupervisor, region, page);
        if (!code.User && region.IsUser)
        {
            if (execute && Smep) return FaultResolution.Violation(FaultOutcome.KernelExecuteOfUser, region, page);
            if (!execute && Smap && !userAccessAllowed)
                return FaultResolution.Violation(FaultOutcome.KernelAccessToUser, region, page);
        }
        if (execute && !region.IsExecutable)
            return FaultResolution.Violation(FaultOutcome.ExecuteOnNoExecute, region, page);
        if (write && !region.IsWritable) return FaultResolution.Violation(FaultOutcome.WriteToReadOnly, region, page);

        var lookup = space.PageTable.Lookup(page, out leafTable);
        if (!lookup.IsMapped)
        {
            // Immediate regions can have unbacked pages too: growth under the demand policy.
            if (region.IsMmio)
                return FaultResolution.Violation(FaultOutcome.NotBacked, region, page);
            return new FaultResolution(write ? FaultOutcome.PrivateFrameMapped : FaultOutcome.ZeroPageMapped, region,
                page, default);
        }

        var flags = lookup.Flags;
        bool writable = (flags & PageFlags.Writable) != 0;
        bool user = (flags & PageFlags.User) != 0;
        bool noExecute = (flags & PageFlags.NoExecute) != 0;
        if ((!write || writable) && (!code.User || user) && (!execute || !noExecute))
            return new FaultResolution(FaultOutcome.Spurious, region, page, lookup.Frame);
        if (write && !writable)
        {
            if (lookup.Size != PageSize.Size4K)
                return FaultResolution.Violation(FaultOutcome.WriteToReadOnly, region, page);
            if (lookup.Frame == ZeroPage)
                return new FaultResolution(FaultOutcome.ZeroPageCopied, region, page, lookup.Frame);
            if (!region.IsMmio && space.Frames.ReferenceCount(lookup.Frame) > 1)
                return new FaultResolution(FaultOutcome.CopiedOnWrite, region, page, lookup.Frame);
            return new FaultResolution(FaultOutcome.MadeWritable, region, page, lookup.Frame);
        }
        if (code.User && !user) return FaultResolution.Violation(FaultOutcome.UserToSupervisor, region, page);
        return FaultResolution.Violation(FaultOutcome.ExecuteOnNoExecute, region, page);
    }

    // No region, but the page may still be mapped (kernel image, direct map: mappings made at boot, not regions).
    // Then a protection fault is judged by the page-table entry itself, so the reason names the broken permission.
    private static FaultResolution DecideWithoutRegion(AddressSpace space, VirtualAddress page, ErrorCode code,
        bool write, bool execute)
    {
        var lookup = space.PageTable.Lookup(page);
        if (!lookup.IsMapped) return FaultResolution.Violation(FaultOutcome.NoRegion, null, page);
        var flags = lookup.Flags;
        if (code.User && (flags & PageFlags.User) == 0)
            return FaultResolution.Violation(FaultOutcome.UserToSupervisor, null, page);
        if (write && (flags & PageFlags.Writable) == 0)
            return FaultResolution.Violation(FaultOutcome.WriteToReadOnly, null, page);
        if (execute && (flags & PageFlags.NoExecute) != 0)
            return FaultResolution.Violation(FaultOutcome.ExecuteOnNoExecute, null, page);
        return FaultResolution.Violation(FaultOutcome.NoRegion, null, page);
    }

    /// <summary>
    /// Have the address space carry out a decision from Decide; counts it. Running out of frames becomes an
    /// OutOfMemory violation with nothing changed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public FaultResolution Apply(AddressSpace space, FaultResolution decision) => Apply(space, decision, 0);

    private FaultResolution Apply(AddressSpace space, FaultResolution decision, ulong leafTable)
    {
        var result = Act(space, decision, leafTable);
        _faults++;
        _counts[(int)result.Outcome]++;
        if (result.IsViolation)
            if (MemoryTrace.On)
                MemoryTrace.Emit(MemoryEventKind.FaultViolation, decision.Page.Value, detail: (uint)result.Outcome,
                    region: result.Region);
        return result;
    }

    /// <summary>
    /// Drop the zero page's base reference into <paramref name="frames"/>, the allocator it came from (shutdown,
    /// tests). Twice → DoubleFree.
    /// </summary>
    public MemoryError Release(IFrameAllocator frames)
    {
        if (_released) return MemoryError.DoubleFree;
        _released = true;
        return frames.FreeFrame(ZeroPage);
    }

    private FaultResolution Act(AddressSpace space, FaultResolution decision, ulong leafTable)
    {
        var region = decision.Region;
        var page = decision.Page;
        if (decision.IsViolation || region == null) return decision;
        switch (decision.Outcome)
        {
            case FaultOutcome.ZeroPageMapped:
            {
                var error = space.MapZeroPage(region, page, ZeroPage, leafTable);
                if (error == MemoryError.OutOfRange)
                    return FaultResolution.Violation(FaultOutcome.NotBacked, region, page);
                if (error != MemoryError.None) return FaultResolution.Violation(FaultOutcome.OutOfMemory, region, page);
                return new FaultResolution(decision.Outcome, region, page, ZeroPage);
            }
            case FaultOutcome.PrivateFrameMapped:
            {
                var frame = space.MapDemandPage(region, page, leafTable);
                if (!frame.Ok) return FaultResolution.Violation(FaultOutcome.OutOfMemory, region, page);
                return new FaultResolution(decision.Outcome, region, page, frame.Value);
            }
            case FaultOutcome.ZeroPageCopied:
            case FaultOutcome.CopiedOnWrite:
            {
                // Copying from the zero page is zeroing: no read.
                var frame = space.CopyOnWrite(region, page, decision.Frame,
                    sourceIsZero: decision.Outcome == FaultOutcome.ZeroPageCopied);
                if (!frame.Ok)
                    return FaultResolution.Violation(frame.Error == MemoryError.OutOfMemory
                        ? FaultOutcome.OutOfMemory : FaultOutcome.Unresolved, region, page);
                return new FaultResolution(decision.Outcome, region, page, frame.Value);
            }
            case FaultOutcome.MadeWritable:
                if (space.MakeWritable(region, page, decision.Frame) != MemoryError.None)
                    return FaultResolution.Violation(FaultOutcome.Unresolved, region, page);
                return decision;
            default:
                // Spurious: an x86 page fault already drops the faulting address's TLB entry, so returning retries
                // cleanly.
                return decision;
        }
    }
}
