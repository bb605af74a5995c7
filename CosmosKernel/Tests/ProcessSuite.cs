using System.Collections.Generic;
using System.Text;
using MemOS.Kernel.Hardware;
using MemOS.Kernel.MemoryManagement;
using MemOS.Kernel.Processes;

namespace MemOS.Kernel.Tests;

/// <summary>
/// Processes on the real CPU: static musl C programs (ctests.tar) run in ring 3 in their own address spaces;
/// their console output is captured and compared; faults kill only the process; every frame comes back.
/// </summary>
internal static class ProcessSuite
{
    public static List<KernelTest> Tests() =>
    [
        new("archive_lists_the_c_programs", ArchiveListsPrograms),
        new("chello_runs_unmodified", ChelloRunsUnmodified),
        new("ring3_and_syscall_msrs", Ring3AndSyscallMsrs),
        new("errno_semantics", () => ExpectExit(["ctest", "errno"], 0, "ctest: errno all ok")),
        new("tls_and_arch_prctl",
            () => ExpectExit(["ctest", "tls"], 0, "ctest: tls counter 42, arch_prctl get fs 0 nonzero 1")),
        new("memstat_counts_faults",
            () => ExpectExit(["ctest", "memstat"], 0, "faults 3 demand 1 zero 1 cow 1 last 0x700000005000 (ok)")),
        new("spawn_and_wait4",
            () => ExpectExit(["ctest", "spawn", "chello"], 0, "ctest: spawned chello pid", "wait4 ->", "status 0x0")),
        new("exit_status", () => ExpectStatus(["ctest", "exit", "7"], 7 << 8, null)),
        new("nanosleep_sleeps", NanosleepSleeps),
        new("segv_null", () => ExpectStatus(["ctest", "segv", "null"], 11, "vector 14 (#PF page fault) at 0x0")),
        new("segv_write_read_only", () => ExpectStatus(["ctest", "segv", "ro"], 11, "rodata: write to read-only")),
        new("segv_execute_nx", () => ExpectStatus(["ctest", "segv", "nx"], 11, "execute on NX"),
            () => KernelMemory.Current!.Cpu.Nx ? null : "the CPU has no NX"),
        new("segv_kernel_memory", () => ExpectStatus(["ctest", "segv", "kernel"], 11, "access to kernel memory")),
        new("segv_stack_guard",
            () => ExpectStatus(["ctest", "segv", "stack"], 11, "stack overflow into the guard gap")),
        new("segv_gp_non_canonical", () => ExpectStatus(["ctest", "segv", "gp"], 11, "vector 13 (#GP")),
        new("segv_privileged_instruction", () => ExpectStatus(["ctest", "segv", "priv"], 11, "vector 13 (#GP")),
        new("segv_ud", () => ExpectStatus(["ctest", "segv", "ud"], 4, "vector 6 (#UD")),
        new("segv_de", () => ExpectStatus(["ctest", "segv", "de"], 8, "vector 0 (#DE")),
        new("mprotect_and_partial_munmap", () => ExpectStatus(["ctest", "mprotect"], 11, "mmap: write to read-only")),
        new("fault_handler_gets_null_access", () => ExpectExit(["ctest", "handler", "null"], 42,
            "ctest: handler null registered (0)", "handler code 0x0000000000000000 cr2 0x0000000000000008 rip set")),
        new("fault_handler_gets_divide_error", () => ExpectExit(["ctest", "handler", "de"], 42,
            "handler code 0x00000000c0000094 cr2 0x0000000000000000 rip set")),
        new("fault_inside_the_handler_kills",
            () => ExpectStatus(["ctest", "handler", "loop"], 11, "at 0x8 ") ?? NoHandlerLine("loop")),
        new("fault_handler_gives_the_fault_back", () => ExpectStatus(["ctest", "handler", "decline"], 11,
            "null pointer dereference") ?? NoHandlerLine("decline")),
        new("fault_handler_not_for_stack_overflow",
            () => ExpectStatus(["ctest", "handler", "stack"], 11, "stack overflow into the guard gap")),
        new("two_processes_interleave", TwoProcessesInterleave),
        new("kill_a_running_process", KillARunningProcess),
        new("frames_come_back_after_100_runs", FramesComeBack),
        new("fuzz_100000_syscalls", Fuzz),
    ];

    private static string? ArchiveListsPrograms()
    {
        int found = 0;
        foreach (var (name, _, _) in ProgramArchive.List()) if (name is "chello" or "ctest") found++;
        return found == 2 ? null : $"the archive has {ProgramArchive.Count} programs, not chello and ctest";
    }

    // Runs a program to its end with its output captured: (wait status, output) or an error.
    private static (int Status, string Output)? Run(string[] argv, out string error)
    {
        var capture = new StringBuilder();
        Syscalls.Capture = capture;
        Process? p = ProcessLoader.Spawn(argv[0], argv, Scheduler.Kernel, out error);
        if (p == null) { Syscalls.Capture = null; return null; }
        Scheduler.Foreground = p;
        Scheduler.WaitForExit(p);
        Scheduler.Foreground = null;
        Syscalls.Capture = null;
        int status = p.WaitStatus;
        Scheduler.Remove(p);
        return (status, capture.ToString());
    }

    private static string? ChelloRunsUnmodified()
    {
        var r = Run(["chello", "a", "b"], out string error);
        if (r == null) return error;
        string expected = "chello: write works\nchello: argc=3 argv[0]=chello argv[1]=a argv[2]=b\n"
            + "chello: brk grew by 8192 (ok)\n"
            + "chello: mmap 1 MiB, 256 pages touched, sum 32640 (ok)\nchello: malloc and free ok\nchello: done\n";
        if (r.Value.Output != expected) return $"output was '{r.Value.Output}'";
        return r.Value.Status == 0 ? null : $"wait status 0x{r.Value.Status:x}";
    }

    private static string? Ring3AndSyscallMsrs()
    {
        ulong star = Cpu.ReadMsr(0xC000_0081), fmask = Cpu.ReadMsr(0xC000_0084), efer = Cpu.ReadMsr(0xC000_0080);
        if ((efer & 1) == 0) return "EFER.SCE is off";
        if (star >> 48 != 0x13 || ((star >> 32) & 0xFFFF) != 0x08) return $"STAR is 0x{star:x}";
        if (fmask != 0x47700) return $"FMASK is 0x{fmask:x}, not IF|TF|DF|AC|NT|IOPL";
        return null;
    }

    private static string? ExpectExit(string[] argv, int code, params string[] contains)
    {
        var r = Run(argv, out string error);
        if (r == null) return error;
        foreach (string c in contains) if (!r.Value.Output.Contains(c)) return $"no '{c}' in '{r.Value.Output}'";
        return r.Value.Status == code << 8 ? null : $"wait status 0x{r.Value.Status:x}, output '{r.Value.Output}'";
    }

    private static string? ExpectStatus(string[] argv, int status, string? report)
    {
        ulong before = KernelMemory.Current!.Pmm.Statistics.FreeFrames;
        var r = Run(argv, out string error);
        if (r == null) return error;
        if (r.Value.Status != status)
            return $"wait status 0x{r.Value.Status:x} (expected 0x{status:x}), output '{r.Value.Output}'";
        if (report != null && !ProcessFaults.LastReport.Contains(report))
            return $"report '{ProcessFaults.LastReport}' lacks '{report}'";
        if (report != null && !ProcessFaults.LastReport.StartsWith($"pid "))
            return "the report does not start with the pid";
        return null;
    }

    // A handler that was killed (or gave up) must not have reached its report line.
    private static string? NoHandlerLine(string kind)
    {
        var r = Run(["ctest", "handler", kind], out string error);
        if (r == null) return error;
        return r.Value.Output.Contains("handler code") ? $"the handler went on: '{r.Value.Output}'" : null;
    }

    private static string? NanosleepSleeps()
    {
        ulong start = Timer.Milliseconds;
        string? e = ExpectExit(["ctest", "sleep", "50"], 0, "ctest: slept 50 ms (0)");
        ulong took = Timer.Milliseconds - start;
        return e ?? (took >= 50 ? null : $"returned after {took} ms");
    }

    private static string? TwoProcessesInterleave()
    {
        var capture = new StringBuilder();
        Syscalls.Capture = capture;
        Process? a = ProcessLoader.Spawn("ctest", ["ctest", "spin", "6", "A"], Scheduler.Kernel, out string e1);
        Process? b = ProcessLoader.Spawn("ctest", ["ctest", "spin", "6", "B"], Scheduler.Kernel, out string e2);
        if (a == null || b == null) { Syscalls.Capture = null; return e1 + e2; }
        Scheduler.WaitForExit(a);
        Scheduler.WaitForExit(b);
        Syscalls.Capture = null;
        Scheduler.Remove(a);
        Scheduler.Remove(b);
        string s = capture.ToString();
        int firstB = s.IndexOf("B0"), lastA = s.IndexOf("A5");
        if (firstB < 0 || lastA < 0) return $"output '{s}'";
        return firstB < lastA ? null : $"no interleaving: '{s}'";
    }

    private static string? KillARunningProcess()
    {
        ulong before = FreeOrKernelHeap();
        Process? p = ProcessLoader.Spawn("ctest", ["ctest", "spin", "100000", "K"], Scheduler.Kernel, out string error);
        if (p == null) return error;
        var capture = new StringBuilder();
        Syscalls.Capture = capture;
        ulong until = Timer.Milliseconds + 30;
        while (Timer.Milliseconds < until) Scheduler.Idle();
        Syscalls.Capture = null;
        if (p.State == ProcessState.Zombie) return "the spinner ended by itself";
        Scheduler.Exit(p, 9);
        Scheduler.Remove(p);
        ulong after = FreeOrKernelHeap();
        return after == before ? null : $"free + kernel-heap frames {before} before, {after} after the kill";
    }

    private static ulong FreeAfterCollect()
    {
        GarbageCollection.Collect();
        return KernelMemory.Current!.Pmm.Statistics.FreeFrames;
    }

    private static string? FramesComeBack()
    {
        var first = Run(["chello"], out string error);
        if (first == null) return error;
        ulong before = FreeAfterCollect();
        ulong heapBefore = KernelMemory.Current!.Heap.Statistics().HeapSize;
        for (int i = 0; i < 100; i++)
        {
            var r = Run(["chello"], out error);
            if (r == null || r.Value.Status != 0) return $"run {i}: {error}";
            // the kernel's own garbage (process objects, captured text) is reused, not grown over
            GarbageCollection.Collect();
        }
        ulong after = FreeAfterCollect();
        ulong heapAfter = KernelMemory.Current!.Heap.Statistics().HeapSize;
        return after == before ? null
            : $"free frames {before} before 100 runs of chello, {after} after "
            + $"(kernel heap {heapBefore} -> {heapAfter} B)";
    }

    // Free frames plus the kernel heap's resident pages: the heap keeps pages it grew by and gives free pages inside
    // it back when collected (Trim), so a frame is either free or held by the heap: this must come back exactly.
    private static ulong FreeOrKernelHeap()
    {
        ulong free = FreeAfterCollect();
        return free + KernelMemory.Current!.HeapRegion.ResidentPages;
    }

    private static string? Fuzz()
    {
        ulong before = FreeOrKernelHeap();
        var r = Run(["ctest", "fuzz", "100000", "1"], out string error);
        if (r == null) return error;
        if (!r.Value.Output.Contains("alive") || r.Value.Status != 0)
            return $"status 0x{r.Value.Status:x}, output tail '{Tail(r.Value.Output)}'";
        ulong after = FreeOrKernelHeap();
        return after == before ? null : $"free + kernel-heap frames {before} before, {after} after the fuzz run";
    }

    private static string Tail(string s) => s.Length > 300 ? s.Substring(s.Length - 300) : s;
}
