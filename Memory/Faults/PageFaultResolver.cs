using System;
using MemOS.Memory.Paging;
using MemOS.Memory.Virtual;

namespace MemOS.Memory.Faults;

/// <summary>
/// The page-fault handler's brain: given CR2, the error code and the address space, decide what kind of
/// fault this is (Decide), then carry it out (Apply): zero page, private frame, copy-on-write, or a violation.
/// </summary>
/// <remarks>
/// Decision is separate from action, as in Linux's mm/memory.c; every outcome has a name and a counter.
/// The fault path allocates no managed memory: trace events are structs handed to an optional callback.
/// </remarks>
public sealed class PageFaultResolver
{
    private readonly IPhysicalMemory _memory;
    private readonly IFrameAllocator _frames;
    private readonly long[] _counts = new long[FaultOutcomes.Count];
    private long _faults;
    private bool _released;

    private PageFaultResolver(IPhysicalMemory memory, IFrameAllocator frames, PhysicalAddress zeroPage)
    {
        _memory = memory;
        _frames = frames;
        ZeroPage = zeroPage;
    }

    /// <summary>
    /// A resolver with its zero page: one frame, zeroed, whose base reference the resolver holds for good.
    /// </summary>
    public static Result<PageFaultResolver> Create(IPhysicalMemory memory, IFrameAllocator frames)
    {
        var frame = frames.AllocateFrame();
        if (!frame.Ok) return Result<PageFaultResolver>.Fail(frame.Error);
        memory.Zero(frame.Value, PhysicalAddress.FrameSize);
        return Result<PageFaultResolver>.Success(new PageFaultResolver(memory, frames, frame.Value));
    }

    /// <summary>The shared zero page every demand read maps read-only.</summary>
    public PhysicalAddress ZeroPage { get; }

    /// <summary>
    /// Optional trace sink; called with plain structs, so tracing allocates nothing unless the sink does.
    /// </summary>
    public Action<FaultTraceEvent>? Trace { get; set; }

    /// <summary>CR4.SMAP: a kernel data access to a user page is a violation.</summary>
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

    /// <summary>Decide and act: the page-fault handler's one call. The result says what happened.</summary>
    public FaultResolution Resolve(AddressSpace space, VirtualAddress cr2, ErrorCode code)
    {
        Emit(FaultTraceKind.Fault, cr2, code, null, default, default, PageFlags.None, FaultOutcome.None);
        var decision = Decide(space, cr2, code);
        if (decision.Region != null)
            Emit(FaultTraceKind.RegionFound, cr2, code, decision.Region, default, default, PageFlags.None,
                decision.Outcome);
        return Apply(space, decision, code);
    }

    /// <summary>What kind of fault is this? Reads the regions and the page table; changes nothing.</summary>
    public FaultResolution Decide(AddressSpace space, VirtualAddress cr2, ErrorCode code)
    {
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
            if (!execute && Smap) return FaultResolution.Violation(FaultOutcome.KernelAccessToUser, region, page);
        }
        if (execute && !region.IsExecutable)
            return FaultResolution.Violation(FaultOutcome.ExecuteOnNoExecute, region, page);
        if (write && !region.IsWritable) return FaultResolution.Violation(FaultOutcome.WriteToReadOnly, region, page);

        var lookup = space.PageTable.Lookup(page);
        if (!lookup.IsMapped)
        {
            // Immediate regions can have unbacked pages too: growth under the demand policy.
            if (region.Backing == RegionBacking.Mmio)
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
            if (region.Backing != RegionBacking.Mmio && _frames.ReferenceCount(lookup.Frame) > 1)
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
    /// Carry out a decision from Decide; counts and traces it. Running out of frames becomes an OutOfMemory violation
    /// with nothing changed.
    /// </summary>
    public FaultResolution Apply(AddressSpace space, FaultResolution decision, ErrorCode code)
    {
        var result = Act(space, decision, code);
        _faults++;
        _counts[(int)result.Outcome]++;
        if (result.IsViolation)
            Emit(FaultTraceKind.Violation, decision.Page, code, result.Region, default, default, PageFlags.None,
                result.Outcome);
        return result;
    }

    /// <summary>Drop the zero page's base reference (shutdown, tests). Twice → DoubleFree.</summary>
    public MemoryError Release()
    {
        if (_released) return MemoryError.DoubleFree;
        _released = true;
        return _frames.FreeFrame(ZeroPage);
    }

    private FaultResolution Act(AddressSpace space, FaultResolution decision, ErrorCode code)
    {
        var region = decision.Region;
        var page = decision.Page;
        if (decision.IsViolation || region == null) return decision;
        var table = space.PageTable;
        var flags = region.PageFlags;
        switch (decision.Outcome)
        {
            case FaultOutcome.ZeroPageMapped:
            {
                var readOnly = flags & ~PageFlags.Writable;
                if (_frames.AddReference(ZeroPage) != MemoryError.None)
                    return FaultResolution.Violation(FaultOutcome.NotBacked, region, page);
                var change = table.Map(page, ZeroPage, readOnly);
                if (!change.Ok)
                {
                    _frames.FreeFrame(ZeroPage);
                    return FaultResolution.Violation(FaultOutcome.OutOfMemory, region, page);
                }
                region.ResidentPages++;
                Emit(FaultTraceKind.ZeroPageMapped, page, code, region, ZeroPage, default, readOnly, decision.Outcome);
                return new FaultResolution(decision.Outcome, region, page, ZeroPage);
            }
            case FaultOutcome.PrivateFrameMapped:
            {
                var frame = NewFrame(page, code, region, default);
                if (!frame.Ok) return FaultResolution.Violation(FaultOutcome.OutOfMemory, region, page);
                var change = table.Map(page, frame.Value, flags);
                if (!change.Ok)
                {
                    _frames.FreeFrame(frame.Value);
                    return FaultResolution.Violation(FaultOutcome.OutOfMemory, region, page);
                }
                region.ResidentPages++;
                Emit(FaultTraceKind.FrameMapped, page, code, region, frame.Value, default, flags, decision.Outcome);
                return new FaultResolution(decision.Outcome, region, page, frame.Value);
            }
            case FaultOutcome.ZeroPageCopied:
            case FaultOutcome.CopiedOnWrite:
            {
                // Copying from the zero page is zeroing: skip the read.
                var source = decision.Outcome == FaultOutcome.CopiedOnWrite ? decision.Frame : default;
                var frame = NewFrame(page, code, region, source);
                if (!frame.Ok) return FaultResolution.Violation(FaultOutcome.OutOfMemory, region, page);
                var change = table.Replace(page, frame.Value, flags);
                if (!change.Ok)
                {
                    _frames.FreeFrame(frame.Value);
                    return FaultResolution.Violation(FaultOutcome.Unresolved, region, page);
                }
                _frames.FreeFrame(change.Frame);
                Emit(FaultTraceKind.ReferenceDropped, page, code, region, frame.Value, change.Frame, flags,
                    decision.Outcome);
                Emit(FaultTraceKind.FrameMapped, page, code, region, frame.Value, default, flags, decision.Outcome);
                return new FaultResolution(decision.Outcome, region, page, frame.Value);
            }
            case FaultOutcome.MadeWritable:
            {
                var change = table.Protect(page, flags);
                if (!change.Ok) return FaultResolution.Violation(FaultOutcome.Unresolved, region, page);
                Emit(FaultTraceKind.MadeWritable, page, code, region, decision.Frame, default, flags, decision.Outcome);
                return decision;
            }
            default:
                // Spurious: an x86 page fault already drops the faulting address's TLB entry, so returning retries
                // cleanly.
                Emit(FaultTraceKind.NoWork, page, code, region, decision.Frame, default, PageFlags.None,
                    decision.Outcome);
                return decision;
        }
    }

    // A frame from the PMM, zeroed or filled from a source frame (default source = zero it).
    private Result<PhysicalAddress> NewFrame(VirtualAddress page, ErrorCode code, Region region, PhysicalAddress source)
    {
        Emit(FaultTraceKind.FrameRequested, page, code, region, default, default, PageFlags.None, FaultOutcome.None);
        var frame = _frames.AllocateFrame();
        if (!frame.Ok) return frame;
        if (source == default)
        {
            _memory.Zero(frame.Value, PhysicalAddress.FrameSize);
            Emit(FaultTraceKind.FrameZeroed, page, code, region, frame.Value, default, PageFlags.None,
                FaultOutcome.None);
        }
        else
        {
            _memory.Copy(frame.Value, source, PhysicalAddress.FrameSize);
            Emit(FaultTraceKind.FrameCopied, page, code, region, frame.Value, source, PageFlags.None,
                FaultOutcome.None);
        }
        return frame;
    }

    private void Emit(FaultTraceKind kind, VirtualAddress address, ErrorCode code, Region? region,
        PhysicalAddress frame, PhysicalAddress source, PageFlags flags, FaultOutcome outcome)
        => Trace?.Invoke(new FaultTraceEvent(kind, address, code, region, frame, source, flags, outcome));
}
