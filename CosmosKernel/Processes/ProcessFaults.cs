using MemOS.Kernel.Hardware;
using MemOS.Kernel.TextConsole;
using MemOS.Memory.Faults;

namespace MemOS.Kernel.Processes;

/// <summary>
/// Faults that belong to a process: resolved page faults are counted against it; a violation from ring 3 (or a
/// return to ring 3 that the CPU refused) kills only that process with one segfault-style line, and the kernel goes
/// on with the next task. The line: pid, program, vector, CR2, RIP (and its method, for a C# program), region and
/// the decoded reason.
/// A process that registered a fault handler (memos_fault_handler, as a Linux program installs a SIGSEGV/SIGFPE
/// handler) gets the two faults a managed runtime turns into exceptions: an access in the null guard (below
/// 0x10000, never mapped) and #DE. Its RIP is moved to the handler with rdi = the exception code (Core's
/// HardwareFaults), rsi = the faulting RIP, rdx = CR2, every other register as at the fault, and the handler is
/// disarmed; the handler registers itself again and throws, or calls memos_fault_unhandled and the process is killed
/// with the line it would have had. A fault while disarmed (inside the handler) kills.
/// </summary>
internal static unsafe class ProcessFaults
{
    private const int SigIll = 4, SigTrap = 5, SigBus = 7, SigFpe = 8, SigSegv = 11;
    private const ulong NullReferenceCode = 0x00000000, DivideByZeroCode = 0xC0000094;
    // The handler pushes below the faulting rsp: those bytes must lie in a writable region (not the null guard).
    private const ulong HandlerStackNeed = 256;

    /// <summary>The report of the last process killed by a fault (for tests and `ps`).</summary>
    public static string LastReport { get; private set; } = "";

    /// <summary>Counts a resolved fault in the user half against the running process.</summary>
    public static void Count(FaultOutcome outcome, ulong cr2)
    {
        Process? p = Scheduler.CurrentProcess;
        if (p == null || outcome.IsViolation()) return;
        p.PageFaults++;
        p.LastFaultAddress = cr2;
        if (outcome == FaultOutcome.PrivateFrameMapped) p.DemandZeroFaults++;
        else if (outcome == FaultOutcome.ZeroPageMapped) p.ZeroPageFaults++;
        else if (outcome is FaultOutcome.ZeroPageCopied or FaultOutcome.CopiedOnWrite or FaultOutcome.MadeWritable)
            p.CopyOnWriteFaults++;
    }

    /// <summary>
    /// A page-fault violation from ring 3: handed to the process's fault handler (null guard only), or the process
    /// is killed (no return).
    /// </summary>
    public static void OnViolation(InterruptFrame* frame, ulong cr2, ErrorCode code, FaultResolution resolution)
    {
        string region = resolution.Region?.Name ?? "no region";
        string reason;
        if (cr2 < Memory.Programs.ElfImage.UserStart) reason = "null pointer dereference";
        else if (cr2 >= 0xFFFF_8000_0000_0000) reason = "access to kernel memory";
        else if (cr2 >= ProcessLoader.StackBottom - ProcessLoader.StackGuardGap && cr2 < ProcessLoader.StackBottom)
            reason = "stack overflow into the guard gap below the stack";
        else reason = resolution.Outcome.Describe();
        string detail = $"{code.Describe()}, {region}: {reason}";
        if (cr2 < Memory.Programs.ElfImage.UserStart
            && TryDeliver(frame, NullReferenceCode, cr2, Report(frame, 14, cr2, detail), SigSegv))
            return;
        Kill(frame, 14, cr2, detail, SigSegv);
    }

    /// <summary>memos_fault_handler(handler, flags): 0 removes it; the handler must be in user space.</summary>
    public static long SetHandler(Process p, ulong handler, ulong flags)
    {
        if (flags != 0) return -Errno.EINVAL;
        if (handler != 0 && (handler < Memory.Programs.ElfImage.UserStart || !UserMemory.IsUserRange(handler, 1)))
            return -Errno.EFAULT;
        p.FaultHandler = handler;
        return 0;
    }

    /// <summary>memos_fault_unhandled(): the handler gives the fault back; the process dies of it (no return).
    /// </summary>
    public static long Unhandled(Process p)
    {
        if (p.DeliveredFaultReport == null) return -Errno.EINVAL;
        Terminal.Write(p.DeliveredFaultReport);
        Terminal.Write('\n');
        LastReport = p.DeliveredFaultReport;
        Scheduler.Exit(p, p.DeliveredFaultSignal);
        return 0;
    }

    // Hands a fault to the process's handler, or false (none registered, not from ring 3, no stack to run it on).
    private static bool TryDeliver(InterruptFrame* frame, ulong exceptionCode, ulong cr2, string report, int signal)
    {
        Process? p = Scheduler.CurrentProcess;
        if (p == null || p.FaultHandler == 0 || (frame->Cs & 3) != 3) return false;
        ulong below = frame->Rsp - HandlerStackNeed;
        Memory.Virtual.Region? stack = below < frame->Rsp ? p.Space.FindRegion(new(below)) : null;
        if (stack == null || !stack.IsWritable || !stack.IsUser || !stack.Contains(new(frame->Rsp - 1))) return false;
        p.DeliveredFaultReport = report;
        p.DeliveredFaultSignal = signal;
        p.FaultsDelivered++;
        frame->Rdi = exceptionCode;
        frame->Rsi = frame->Rip;
        frame->Rdx = cr2;
        frame->Rip = p.FaultHandler;
        p.FaultHandler = 0; // disarmed until registered again, as Linux blocks a signal while its handler runs
        return true;
    }

    /// <summary>
    /// A CPU exception the process caused (or a refused return to it): hand a #DE to its fault handler, or kill it;
    /// true either way; false if the kernel faulted.
    /// </summary>
    public static bool TryKill(InterruptFrame* frame)
    {
        bool fromUser = (frame->Cs & 3) == 3;
        bool refusedReturn = frame->Rip == ProcessCpu.UserIretAddress || frame->Rip == ProcessCpu.SyscallIretAddress;
        if (!fromUser && !refusedReturn) return false;
        if (Scheduler.CurrentProcess == null) return false;
        if (refusedReturn)
        {
            // the exception interrupted iretq in ring 0: its saved rsp points at the user frame iretq refused
            ulong userRip = *(ulong*)frame->Rsp;
            Kill(frame, frame->Vector, 0, $"return to ring 3 refused (rip 0x{userRip:x})", SigSegv);
            return true;
        }
        ulong v = frame->Vector;
        string reason = v switch
        {
            0 => "divide error",
            6 => "invalid opcode",
            13 => "general protection (non-canonical address or privileged instruction)",
            3 => "breakpoint",
            17 => "alignment check",
            _ => "CPU exception",
        };
        int signal = v switch { 0 or 16 or 19 => SigFpe, 6 => SigIll, 3 or 1 => SigTrap, 17 => SigBus, _ => SigSegv };
        if (v == 0 && TryDeliver(frame, DivideByZeroCode, 0, Report(frame, v, 0, reason), signal)) return true;
        Kill(frame, v, 0, reason, signal);
        return true;
    }

    private static string Report(InterruptFrame* frame, ulong vector, ulong cr2, string reason)
    {
        Process p = Scheduler.Current;
        // a C# program's code is named from its own symbol table (a C program has none)
        string where = (frame->Cs & 3) == 3 ? ProgramSymbols.Describe(p.Name, frame->Rip) : "";
        return $"pid {p.Pid} ({p.Name}): killed by vector {vector} ({ExceptionNames.Of(vector)}) "
            + $"at 0x{cr2:x} ip 0x{frame->Rip:x}{where} sp 0x{frame->Rsp:x}: {reason}";
    }

    private static void Kill(InterruptFrame* frame, ulong vector, ulong cr2, string reason, int signal)
    {
        Process p = Scheduler.Current;
        string line = Report(frame, vector, cr2, reason);
        LastReport = line;
        Terminal.Write(line);
        Terminal.Write('\n');
        Scheduler.Exit(p, signal);
    }
}
