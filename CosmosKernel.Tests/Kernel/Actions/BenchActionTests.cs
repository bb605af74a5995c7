using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.RegularExpressions;
using NUnit.Framework;

namespace MemOS.Tests.Kernel.Actions;

/// <summary>
/// bench under QEMU -icount (deterministic TSC): the table is printed, and recorded in the test output.
/// </summary>
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
            "#PF round trip, refused (decision, no mapping)", "demand-zero fault (frame + zero + map)",
            "zero one 4 KiB page",
            "PMM frame alloc+free", "kernel heap alloc+free 16 B", "kernel heap alloc+free 64 B",
            "kernel heap alloc+free 256 B",
            "kernel heap alloc+free 1024 B", "kernel heap alloc+free 4096 B", "kernel heap alloc+free 64 KiB",
        ];
        Assert.That(output, Does.StartWith("bench: cycles from rdtsc"));
        foreach (string operation in operations)
            Assert.That(output,
                Does.Match($@"(?m)^  {System.Text.RegularExpressions.Regex.Escape(operation)} +\d+ +\d+$"),
                operation);
        Assert.That(output, Does.Match(@"(?m)^  demand-zero / \(#PF round trip \+ zero page\) = \d+\.\d\d$"));
        Assert.That(output, Does.Match(@"(?m)^bench: \d+ ms$"));
        AssertRowsAgreeWithPhysics(output);
        AssertAlive();
    }

    // Values, not just the format: every row ran and took time, and the rows are ordered as the work they measure.
    private static void AssertRowsAgreeWithPhysics(string output)
    {
        var rows = new Dictionary<string, (long Iterations, long Cycles)>();
        foreach (Match m in Regex.Matches(output, @"(?m)^  (?<op>\S.*?) +(?<n>\d+) +(?<c>\d+)$"))
            rows[m.Groups["op"].Value] = (long.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture),
                long.Parse(m.Groups["c"].Value, CultureInfo.InvariantCulture));
        // the operations listed above, and any added since
        Assert.That(rows, Has.Count.GreaterThanOrEqualTo(10), output);
        foreach ((string op, (long n, long c)) in rows)
        {
            Assert.That(n, Is.Positive, $"{op}: iterations\n{output}");
            Assert.That(c, Is.Positive, $"{op}: cycles\n{output}");
        }
        long refused = rows["#PF round trip, refused (decision, no mapping)"].Cycles;
        long demand = rows["demand-zero fault (frame + zero + map)"].Cycles;
        long zero = rows["zero one 4 KiB page"].Cycles;
        // a demand-zero fault is a #PF round trip plus a frame, zeroing it and mapping it
        Assert.That(demand, Is.GreaterThan(zero), $"demand-zero must cost more than zeroing alone\n{output}");
        Assert.That(demand, Is.GreaterThan(refused), $"demand-zero must cost more than a refused #PF\n{output}");
        // zeroing 4 KiB writes 512 words: it cannot cost less than a 16 B heap alloc+free; 64 KiB costs more than 16 B
        Assert.That(zero, Is.GreaterThan(rows["kernel heap alloc+free 16 B"].Cycles), output);
        Assert.That(rows["kernel heap alloc+free 64 KiB"].Cycles,
            Is.GreaterThan(rows["kernel heap alloc+free 16 B"].Cycles),
            output);
        // the ratio line is computed from the rows it names
        double ratio = double.Parse(
            Regex.Match(output, @"(?m)^  demand-zero / \(#PF round trip \+ zero page\) = (\d+\.\d\d)$").Groups[1].Value,
            CultureInfo.InvariantCulture);
        Assert.That(ratio, Is.EqualTo((double)demand / (refused + zero)).Within(0.01), output);
    }
}
