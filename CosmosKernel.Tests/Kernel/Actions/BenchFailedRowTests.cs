using System;
using System.Text.RegularExpressions;
using NUnit.Framework;

namespace MemOS.Tests.Kernel.Actions;

/// <summary>
/// bench booted with `benchfail=alloc`, the test-only seam that refuses every allocation bench makes (the kernel
/// reserve keeps `pmm alloc` from starving it): each row that needs memory says "failed" with its count, never a
/// time; the rows that need none are still timed; the ratio is n/a; nothing is left allocated.
/// </summary>
[Category(KernelTestEnvironment.Category)]
public class BenchFailedRowTests
{
    private ShellSession _shell = null!;

    [OneTimeSetUp]
    public void Boot()
    {
        KernelTestEnvironment.RequireQemu();
        _shell = ShellSession.Start(new BootOptions { Memory = "128M", CommandLine = "benchfail=alloc" });
    }

    [OneTimeTearDown]
    public void Stop() => _shell?.Dispose();

    [Test]
    public void Rows_whose_allocations_fail_say_failed_and_how_many()
    {
        (long freeBefore, long heapBefore) = Frames();
        string output = _shell.Run("bench", TimeSpan.FromSeconds(120));
        TestContext.Out.WriteLine(output);

        // (row, iterations per round, what its count line says); 5 rounds each
        (string Row, int Iterations, string Failure)[] failed =
        [
            ("demand-zero fault (frame + zero + map)", 64, "took no demand-zero fault"),
            ("PMM frame alloc+free", 200, "found no free frame"),
            ("  fault step: resolver decision (demand write)", 200, "were not a demand-page decision"),
            ("  fault step: page-table map + unmap (invlpg)", 200, "did not map and unmap"),
            ("kernel heap alloc+free 16 B", 200, "could not allocate"),
            ("kernel heap alloc+free 64 KiB", 200, "could not allocate"),
            ("getpid round trip (syscall + sysret)", 20000, "could not spawn ctest"),
            ("spawn + exit (ctest exit 0, waited for)", 1, "could not spawn ctest"),
            ("context switch (sched_yield ping-pong)", 10000, "could not spawn two ctests"),
        ];
        foreach ((string row, int n, string failure) in failed)
        {
            string total = (5L * n).ToString(System.Globalization.CultureInfo.InvariantCulture);
            Assert.That(output, Does.Match($@"(?m)^  {Regex.Escape(row)} +{n} +failed\r?\n    {total} of {total} "
                + $"iterations {Regex.Escape(failure)}"), row);
        }
        // no failed row is printed as a time (0 cycles was the old answer for getpid)
        Assert.That(output, Does.Not.Match(@"(?m)^  .* \d+ +0$"), output);
        foreach (string timed in new[] { "#PF round trip, refused (decision, no mapping)", "zero one 4 KiB page",
                     "throw, caught 1 frame up" })
            Assert.That(output, Does.Match($@"(?m)^  {Regex.Escape(timed)} +\d+ +[1-9]\d*$"), timed);
        Assert.That(output, Does.Match(@"(?m)^  demand-zero / \(#PF round trip \+ zero page\) = n/a$"), output);
        // bench gives back what it took; the shell's own managed objects may have grown the kernel heap meanwhile
        (long freeAfter, long heapAfter) = Frames();
        Assert.That(freeAfter + (heapAfter - heapBefore), Is.EqualTo(freeBefore).Within(4),
            $"free {freeBefore} -> {freeAfter}, kernel heap {heapBefore} -> {heapAfter} pages");
        Assert.That(_shell.Run("echo alive"), Is.EqualTo("alive"));
    }

    // Free frames and the kernel heap's resident pages, as `meminfo` counts them at one moment.
    private (long Free, long Heap) Frames()
    {
        string meminfo = _shell.Run("meminfo");
        Match free = Regex.Match(meminfo, @"usable \d+, free (\d+) frames");
        Match heap = Regex.Match(meminfo, @"(?m)^kernel heap: .*, (\d+) pages resident$");
        Assert.That(free.Success && heap.Success, Is.True, meminfo);
        return (long.Parse(free.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture),
            long.Parse(heap.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
    }
}
