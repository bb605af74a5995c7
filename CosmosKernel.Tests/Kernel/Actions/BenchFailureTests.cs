using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.RegularExpressions;
using NUnit.Framework;

namespace MemOS.Tests.Kernel.Actions;

/// <summary>
/// bench with user memory drained by `pmm alloc`: the kernel reserve keeps bench's frames, so its memory rows are
/// timed and none says "failed"; its process rows need user frames and say "failed" (they printed 0 cycles before).
/// </summary>
[Category(KernelTestEnvironment.Category)]
public class BenchFailureTests
{
    private ShellSession _shell = null!;

    [OneTimeSetUp]
    public void Boot()
    {
        KernelTestEnvironment.RequireQemu();
        _shell = ShellSession.Start(new BootOptions { Memory = "64M" });
    }

    [OneTimeTearDown]
    public void Stop() => _shell?.Dispose();

    // Takes every frame above the kernel reserve in runs of 1024 down to 1; returns the single frames it took.
    private List<string> DrainThePmm()
    {
        var singles = new List<string>();
        for (int n = 1024; n >= 1; n /= 2)
            for (int i = 0; i < 100_000; i++)
            {
                string output = _shell.Run($"pmm alloc {n}");
                if (output.StartsWith("pmm alloc: could not allocate", StringComparison.Ordinal)) break;
                Match m = Regex.Match(output, @"^pmm alloc: \d+ frame\(s\), one contiguous run of order \d+ at "
                    + "(0x[0-9a-f]+)");
                Assert.That(m.Success, Is.True, output);
                if (n == 1) singles.Add(m.Groups[1].Value);
            }
        return singles;
    }

    // Before the kernel reserve (the reliability issue) this drain left bench no frame and its demand-zero row had to
    // say "failed"; now `pmm alloc` stops at the reserve, so the row is timed from frames the kernel kept. The
    // failed-row path is no longer reachable from the shell (noted in docs/testing.md).
    [Test]
    public void With_user_memory_drained_bench_still_times_demand_zero_from_the_kernel_reserve()
    {
        DrainThePmm();
        Assert.That(_shell.Run("pmm alloc 1"), Does.StartWith("pmm alloc: could not allocate 1 contiguous frames"));

        string output = _shell.Run("bench", TimeSpan.FromSeconds(120));
        TestContext.Out.WriteLine(output);

        Assert.That(output, Does.Match(@"(?m)^  demand-zero fault \(frame \+ zero \+ map\) +64 +\d+$"), output);
        // the kernel's rows come from the reserve; the process rows need user frames, which are gone, and say so
        int ratio = output.IndexOf("  demand-zero / ", StringComparison.Ordinal);
        Assert.That(ratio, Is.Positive, output);
        Assert.That(output[..ratio], Does.Not.Contain("failed"), output);
        Assert.That(output[ratio..], Does.Match(@"(?m)^  spawn \+ exit \(ctest exit 0, waited for\) +1 +failed\r?\n"
            + @"    5 of 5 iterations could not spawn ctest"), output);
        Assert.That(output, Does.Match(@"(?m)^  demand-zero / \(#PF round trip \+ zero page\) = \d+\.\d+$"), output);
        Assert.That(_shell.Run("echo alive"), Is.EqualTo("alive"));
    }
}
