using MemOS.Tests.Kernel;

namespace MemOS.Tests.Suites;

/// <summary>
/// The in-kernel process suite: static musl C programs (ctests.tar) in ring 3, each in its own address space;
/// output, errno semantics, every violation kind killing only its process, scheduling, kill, frames coming back.
/// </summary>
public sealed class ProcessSuite : KernelSuiteFixture
{
    public static readonly string[] Tests =
    [
        "archive_lists_the_c_programs", "chello_runs_unmodified", "ring3_and_syscall_msrs", "errno_semantics",
        "tls_and_arch_prctl", "memstat_counts_faults", "spawn_and_wait4", "exit_status", "nanosleep_sleeps",
        "segv_null", "segv_write_read_only", "segv_execute_nx", "segv_kernel_memory", "segv_stack_guard",
        "segv_gp_non_canonical", "segv_privileged_instruction", "segv_ud", "segv_de", "mprotect_and_partial_munmap",
        "fault_handler_gets_null_access", "fault_handler_gets_divide_error", "fault_inside_the_handler_kills",
        "fault_handler_gives_the_fault_back", "fault_handler_not_for_stack_overflow",
        "two_processes_interleave", "kill_a_running_process", "frames_come_back_after_100_runs", "fuzz_100000_syscalls",
    ];

    protected override string SuiteName => "processes";
}
