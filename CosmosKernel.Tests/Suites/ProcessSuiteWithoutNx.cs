using MemOS.Tests.Kernel;
using NUnit.Framework;

namespace MemOS.Tests.Suites;

/// <summary>
/// The in-kernel process suite on a CPU without NX (<c>-cpu max,-nx</c>): ring-3 programs load, run, fault and give
/// their frames back with NX dropped from their page tables; only the execute-on-NX test is skipped, with its reason.
/// </summary>
public sealed class ProcessSuiteWithoutNx : KernelSuiteFixture
{
    public static readonly string[] Tests = ProcessSuite.Tests;

    protected override string SuiteName => "processes";

    protected override BootOptions BootOptions => new() { ExtraQemuArguments = ["-cpu", "max,-nx"] };

    [Test]
    public void Only_the_nx_test_is_skipped()
    {
        Assert.That(Run.Results["segv_execute_nx"],
            Is.EqualTo(new KernelTestResult("segv_execute_nx", false, "the CPU has no NX", Skipped: true)),
            Run.SerialLog);
        Assert.That(Run.Summary, Is.EqualTo(new SuiteSummary("processes", ProcessSuite.Tests.Length - 1, 0, 1)),
            Run.SerialLog);
    }
}
