using MemOS.Tests.Kernel;
using NUnit.Framework;

namespace MemOS.Tests.Suites;

/// <summary>
/// The in-kernel memory suite on a CPU without NX (<c>-cpu max,-nx</c>): the kernel boots with NX dropped from its
/// page tables, the NX test is reported as skipped with its reason, and everything else (faults, copy-on-write, the
/// TLB checks, the soak) still passes.
/// </summary>
public sealed class MemorySuiteWithoutNx : KernelSuiteFixture
{
    public static readonly string[] Tests = MemorySuite.Tests;

    protected override string SuiteName => "memory";

    protected override BootOptions BootOptions => new() { ExtraQemuArguments = ["-cpu", "max,-nx"] };

    [Test]
    public void The_nx_test_is_reported_as_skipped_with_its_reason()
    {
        Assert.That(Run.Results["violation_execute_on_nx"],
            Is.EqualTo(new KernelTestResult("violation_execute_on_nx", false, "the CPU has no NX", Skipped: true)),
            Run.SerialLog);
        Assert.That(Run.Summary, Is.EqualTo(new SuiteSummary("memory", MemorySuite.Tests.Length - 1, 0, 1)),
            Run.SerialLog);
    }
}
