using MemOS.Tests.Kernel;

namespace MemOS.Tests.Suites;

/// <summary>The in-kernel out-of-memory suite, booted with 64 MiB: clean failures, then recovery.</summary>
public sealed class OutOfMemorySuite : KernelSuiteFixture
{
    public static readonly string[] Tests =
        ["pmm_runs_dry_then_recovers", "heap_fails_cleanly_then_recovers", "demand_paging_refuses_then_recovers"];

    protected override string SuiteName => "oom";

    protected override BootOptions BootOptions => new() { Memory = "64M" };
}
