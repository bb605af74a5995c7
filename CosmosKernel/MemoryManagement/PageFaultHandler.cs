using MemOS.Kernel.Hardware;
using MemOS.Memory;
using MemOS.Memory.Faults;
using MemOS.Memory.Virtual;

namespace MemOS.Kernel.MemoryManagement;

/// <summary>
/// Vector 14 on the PageFaultResolver: reads CR2 and the error code, lets the resolver decide and act, then
/// returns so the instruction retries. A violation inside a safe access resumes at its fixup; any other kernel
/// violation is an oops (decoded error code, CR2, RIP, the region or "no region", registers) and a clean halt.
/// Runs with interrupts off and allocates nothing.
/// </summary>
internal static unsafe class PageFaultHandler
{
    private static AddressSpace? s_space;
    private static PageFaultResolver? s_resolver;
    private static FaultLog? s_log;

    private const ulong AlignmentCheckFlag = 1UL << 18;

    public static FaultResolution LastResolution { get; private set; }

    public static void Install(AddressSpace space, PageFaultResolver resolver, FaultLog log)
    {
        s_space = space;
        s_resolver = resolver;
        s_log = log;
        InterruptDispatcher.Register(14, &Handle);
    }

    private static bool Handle(InterruptFrame* frame)
    {
        if (s_space == null || s_resolver == null || s_log == null) return false;
        var cr2 = new VirtualAddress(Cpu.ReadCr2());
        var code = new ErrorCode((uint)frame->ErrorCode);
        // With EFLAGS.AC set (stac) the CPU lets the kernel reach user pages, so SMAP cannot be what faulted:
        // a not-present user page touched by SafeAccess is a demand fault, not a violation.
        bool userAccessAllowed = (frame->Rflags & AlignmentCheckFlag) != 0;
        // a user-half address belongs to the address space loaded now (a process's, or the kernel's own)
        AddressSpace space = KernelLayout.IsUser(cr2.Value) && Processes.Scheduler.LoadedSpace is AddressSpace loaded
            ? loaded : s_space;
        FaultResolution resolution = s_resolver.Resolve(space, cr2, code, userAccessAllowed);
        if (KernelLayout.IsUser(cr2.Value)) Processes.ProcessFaults.Count(resolution.Outcome, cr2.Value);
        LastResolution = resolution;

        // An instruction fetch made by SafeAccess.TryExecuteFaulting never re-runs the target: it returns.
        bool fromSafeExecute = (frame->Cs & 3) == 0 && code.InstructionFetch
            && *(ulong*)frame->Rsp == SafeAccess.ExecuteReturnAddress;
        ulong fixup = fromSafeExecute ? 0 : SafeAccess.FixupFor(frame->Rip);
        bool fixedUp = resolution.IsViolation && (fixup != 0 || fromSafeExecute);
        int pid = Processes.Scheduler.CurrentProcess?.Pid ?? 0;
        s_log.Add(new FaultRecord(0, pid, cr2, code, frame->Rip, resolution.Outcome, resolution.Frame, fixedUp));

        if (fromSafeExecute)
        {
            frame->Rip = SafeAccess.ExecuteFixup;
            frame->Rsp += 8; // pop the return address the call pushed
            return true;
        }
        if (!resolution.IsViolation) return true;
        if (fixup != 0)
        {
            frame->Rip = fixup;
            return true;
        }
        if ((frame->Cs & 3) == 3)
        {
            Processes.ProcessFaults.OnViolation(frame, cr2.Value, code, resolution); // its handler, or killed
            return true;
        }
        // Managed code dereferencing null (or a small offset from it): a NullReferenceException, not an oops.
        if (cr2.Value < KernelLayout.NullGuardEnd
            && ManagedFaults.TryRaise(frame, Core.Exceptions.HardwareFaults.NullReference))
            return true;
        Oops(frame, cr2, code, resolution);
        return true;
    }

    private static void Oops(InterruptFrame* frame, VirtualAddress cr2, ErrorCode code, FaultResolution resolution)
    {
        Region? region = resolution.Region;
        string where = region == null ? "no region" : region.Name;
        Panic.FromPageFault(frame, cr2.Value, code.Describe(), resolution.Outcome.Describe(), where);
    }
}
