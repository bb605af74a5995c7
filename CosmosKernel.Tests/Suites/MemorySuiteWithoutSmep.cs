using MemOS.Tests.Kernel;
using NUnit.Framework;

namespace MemOS.Tests.Suites;

/// <summary>
/// The in-kernel memory suite on QEMU's <c>qemu64</c> CPU model, which has neither SMEP nor SMAP: the SMEP test must
/// be reported as skipped with its reason (never as a pass), and everything else must still pass.
/// </summary>
public sealed class MemorySuiteWithoutSmep : KernelSuiteFixture
{
    public static readonly string[] Tests = MemorySuite.Tests;

    protected override string SuiteName => "memory";

    protected override BootOptions BootOptions => new() { ExtraQemuArguments = ["-cpu", "qemu64"] };

    [Test]
    public void The_smep_test_is_reported_as_skipped_with_its_reason()
    {
        Assert.That(Run.Results["violation_user_page_from_kernel_exec"],
            Is.EqualTo(
                new KernelTestResult("violation_user_page_from_kernel_exec", false, "the CPU has no SMEP",
                    Skipped: true)),
            Run.SerialLog);
        Assert.That(Run.Summary, Is.EqualTo(new SuiteSummary("memory", MemorySuite.Tests.Length - 1, 0, 1)),
            Run.SerialLog);
    }
}
