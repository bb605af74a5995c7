using MemOS.Tests.Kernel;
using NUnit.Framework;

namespace MemOS.Tests.Suites;

/// <summary>
/// The smoke suite on an 8 GiB machine: RAM above 4 GiB is direct-mapped and managed, and the PMM's metadata (more
/// than the early allocator's block holds) lives in a block the kernel carves from RAM.
/// </summary>
public sealed class LargeMemorySmokeSuite : KernelSuiteFixture
{
    public static readonly string[] Tests = SmokeSuite.Tests;

    protected override string SuiteName => "smoke";

    protected override BootOptions BootOptions => new() { Memory = "8G" };

    [Test]
    public void The_frame_above_4_GiB_check_ran_here()
    {
        const string name = "frame_above_4gib_written_and_read_through_the_direct_map";
        Assert.That(Run.Results.TryGetValue(name, out KernelTestResult? r) && r.Passed, Is.True,
            $"{name} must run and pass at 8 GiB, not be skipped\n{Run.SerialLog}");
    }
}
