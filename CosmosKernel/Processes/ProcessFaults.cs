using MemOS.Kernel.Hardware;
using MemOS.Kernel.TextConsole;
using MemOS.Memory.Faults;

namespace MemOS.Kernel.Processes;

/// <summary>
/// Faults that belong to a process: resolved page faults are counted against it; a violation from ring 3 (or a
/// return to ring 3 that the CPU refused) kills only that process with one segfault-style line, and the kernel goes
/// on with the next task. The line: pid, program, vector, CR2, RIP, region and the decoded reason.
/// </summary>
internal static unsafe class ProcessFaults
{
    private const int SigIll = 4, SigTrap = 5, SigBus = 7, SigFpe = 8, SigSegv = 11;

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

    /// <summary>A page-fault violation from ring 3: kill the process (does not return).</summary>
    public static void KillForPageFault(InterruptFrame* frame, ulong cr2, ErrorCode code, FaultResolution resolution)
    {
        string region = resolution.Region?.Name ?? "no region";
        string reason;
        if (cr2 < Memory.Programs.ElfImage.UserStart) reason = "null pointer dereference";
        else if (cr2 >= 0xFFFF_8000_0000_0000) reason = "access to kernel memory";
        else if (cr2 >= ProcessLoader.StackBottom - ProcessLoader.StackGuardGap && cr2 < ProcessLoader.StackBottom)
            reason = "stack overflow into the guard gap below the stack";
        else reason = resolution.Outcome.Describe();
        Kill(frame, 14, cr2, $"{code.Describe()}, {region}: {reason}", SigSegv);
    }

    /// <summary>
    /// A CPU exception the process caused (or a refused return to it): kill it and return true; false if the kernel
    /// faulted.
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
        Kill(frame, v, 0, reason, signal);
        return true;
    }

    private static void Kill(InterruptFrame* frame, ulong vector, ulong cr2, string reason, int signal)
    {
        Process p = Scheduler.Current;
        string line = $"pid {p.Pid} ({p.Name}): killed by vector {vector} ({ExceptionNames.Of(vector)}) "
            + $"at 0x{cr2:x} ip 0x{frame->Rip:x} sp 0x{frame->Rsp:x}: {reason}";
        LastReport = line;
        Terminal.Write(line);
        Terminal.Write('\n');
        Scheduler.Exit(p, signal);
    }
}
