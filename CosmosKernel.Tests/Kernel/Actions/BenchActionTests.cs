using System;
using NUnit.Framework;

namespace MemOS.Tests.Kernel.Actions;

/// <summary>bench under QEMU -icount (deterministic TSC): the table is printed, and recorded in the test output.</summary>
[Category(KernelTestEnvironment.Category)]
public class BenchActionTests : ActionSession
{
    protected override string[] QemuArguments => ["-icount", "shift=0"];

    [Test]
    public void Bench_prints_its_table()
    {
        string output = Shell.Run("bench", TimeSpan.FromSeconds(60));
        TestContext.Out.WriteLine(output);
        string[] operations =
        [
            "#PF round trip, refused (decision, no mapping)", "demand-zero fault (frame + zero + map)", "zero one 4 KiB page",
            "PMM frame alloc+free", "kernel heap alloc+free 16 B", "kernel heap alloc+free 64 B", "kernel heap alloc+free 256 B",
            "kernel heap alloc+free 1024 B", "kernel heap alloc+free 4096 B", "kernel heap alloc+free 64 KiB",
        ];
        Assert.That(output, Does.StartWith("bench: cycles from rdtsc"));
        foreach (string operation in operations)
            Assert.That(output, Does.Match($@"(?m)^  {System.Text.RegularExpressions.Regex.Escape(operation)} +\d+ +\d+$"), operation);
        Assert.That(output, Does.Match(@"(?m)^  demand-zero / \(#PF round trip \+ zero page\) = \d+\.\d\d$"));
        Assert.That(output, Does.Match(@"(?m)^bench: \d+ ms$"));
        AssertAlive();
    }
}
