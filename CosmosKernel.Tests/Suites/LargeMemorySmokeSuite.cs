using MemOS.Tests.Kernel;

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
}
