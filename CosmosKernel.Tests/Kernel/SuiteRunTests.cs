using System.Linq;
using NUnit.Framework;

namespace MemOS.Tests.Kernel;

/// <summary>SuiteRun's reading of canned serial logs: no QEMU needed.</summary>
public class SuiteRunTests
{
    private const string GoodLog =
        "MemOS: hello from C#, magic 0x2badb002\r\n"
        + "[test] alloc_free PASS\r\n"
        + "pmm: 32512 frames free\r\n"
        + "[test] buddy_coalesce FAIL: block 0x2000 not merged\r\n"
        + "[test] zero_page PASS\r\n"
        + "[suite] pmm done: 2 passed, 1 failed\r\n";

    private static readonly string[] Expected = ["alloc_free", "buddy_coalesce", "zero_page"];

    [Test]
    public void Results_are_collected_by_name_in_order()
    {
        SuiteRun run = SuiteRun.Parse("pmm", GoodLog, exitCode: 3);
        Assert.Multiple(() =>
        {
            Assert.That(run.ReportedOrder, Is.EqualTo(Expected));
            Assert.That(run.Results["alloc_free"].Passed, Is.True);
            Assert.That(run.Results["buddy_coalesce"],
                Is.EqualTo(new KernelTestResult("buddy_coalesce", false, "block 0x2000 not merged")));
            Assert.That(run.Failures.Select(f => f.Name), Is.EqualTo(new[] { "buddy_coalesce" }));
            Assert.That(run.Summary, Is.EqualTo(new SuiteSummary("pmm", 2, 1)));
            Assert.That(run.DebugExitValue, Is.EqualTo(1));
            Assert.That(run.Abort, Is.Null);
            Assert.That(run.CheckAgainst(Expected), Is.Empty);
        });
    }

    [Test]
    public void Missing_unexpected_and_repeated_names_are_all_reported()
    {
        string log = GoodLog.Replace(
            "[suite]", "[test] zero_page PASS\n[test] surprise PASS\n[suite]", System.StringComparison.Ordinal);
        var problems = SuiteRun.Parse("pmm", log, 3)
            .CheckAgainst(["alloc_free", "buddy_coalesce", "zero_page", "forgotten"]);
        Assert.That(problems, Has.Some.Contains("not reported by the kernel: forgotten"));
        Assert.That(problems, Has.Some.Contains("not listed on the host: surprise"));
        Assert.That(problems, Has.Some.Contains("more than once: zero_page"));
        Assert.That(problems,
            Has.Some.Contains("the summary says 2 passed, 1 failed, 0 skipped, "
                + "but the [test] lines say 3 passed, 1 failed, 0 skipped"));
    }

    [Test]
    public void A_skipped_test_is_neither_passed_nor_failed_and_the_summary_must_count_it()
    {
        const string log = "[test] a PASS\n[test] smep SKIP: the CPU has no SMEP\n"
            + "[suite] s done: 1 passed, 0 failed, 1 skipped\n";
        SuiteRun run = SuiteRun.Parse("s", log, 1);
        Assert.That(run.Results["smep"],
            Is.EqualTo(new KernelTestResult("smep", false, "the CPU has no SMEP", Skipped: true)));
        Assert.That(run.Results["smep"].Failed, Is.False);
        Assert.That(run.Failures, Is.Empty);
        Assert.That(run.Summary, Is.EqualTo(new SuiteSummary("s", 1, 0, 1)));
        Assert.That(run.CheckAgainst(["a", "smep"]), Is.Empty);
        // a kernel that counts the skip as a pass (or forgets it) disagrees with its own [test] lines
        string countedAsPass = log.Replace(
            "1 passed, 0 failed, 1 skipped", "2 passed, 0 failed, 0 skipped", System.StringComparison.Ordinal);
        Assert.That(SuiteRun.Parse("s", countedAsPass, 1).CheckAgainst(["a", "smep"]),
            Has.One.Contains("the summary says 2 passed, 0 failed, 0 skipped, "
                + "but the [test] lines say 1 passed, 0 failed, 1 skipped"));
    }

    [Test]
    public void The_exit_status_must_be_the_one_the_summary_promises()
    {
        Assert.That(SuiteRun.Parse("pmm", GoodLog, 1).CheckAgainst(Expected),
            Has.One.Contains("QEMU exited with status 1, but the summary promises 3"));
        Assert.That(SuiteRun.Parse("pmm", GoodLog, null).CheckAgainst(Expected),
            Has.One.Contains("did not exit through isa-debug-exit"));
    }

    [Test]
    public void A_missing_or_wrong_summary_and_malformed_lines_are_reported()
    {
        string noSummary = GoodLog[..GoodLog.IndexOf("[suite]", System.StringComparison.Ordinal)] + "[test] broken\n";
        var problems = SuiteRun.Parse("pmm", noSummary, 3).CheckAgainst(Expected);
        Assert.That(problems, Has.Some.Contains("no summary line"));
        Assert.That(problems, Has.Some.Contains("malformed protocol line: \"[test] broken\""));
        Assert.That(SuiteRun.Parse("vmm", GoodLog, 3).CheckAgainst(Expected),
            Has.Some.Contains("names suite 'pmm', but 'vmm' was booted"));
    }

    [Test]
    public void A_panic_stops_the_reading_and_is_kept_with_its_details()
    {
        const string log = "[test] a PASS\n!!! PANIC: page fault at 0x0 (write, supervisor)\n"
            + "  rip 0xffffffff80101234\n[test] b PASS\n";
        SuiteRun run = SuiteRun.Parse("s", log, null);
        Assert.That(run.Results.Keys, Is.EqualTo(new[] { "a" }));
        Assert.That(run.Abort, Is.TypeOf<KernelPanicException>());
        var panic = (KernelPanicException)run.Abort!;
        Assert.That(panic.Problem, Is.EqualTo("kernel panic: !!! PANIC: page fault at 0x0 (write, supervisor)"));
        Assert.That(panic.PanicText, Does.Contain("rip 0xffffffff80101234"));
        Assert.That(panic.Message, Does.Contain("--- serial log (4 lines) ---"));
        Assert.That(run.CheckAgainst(["a", "b"]), Has.Some.StartsWith("the run stopped early: kernel panic"));
    }

    [Test]
    public void A_failure_message_shows_the_tail_of_a_long_log()
    {
        string log = string.Concat(Enumerable.Range(1, 100).Select(i => $"line {i}\r\n"));
        string block = SerialLogText.Block(log, "qemu: warning");
        Assert.That(block, Does.StartWith("--- serial log (last 60 of 100 lines) ---\nline 41\n"));
        Assert.That(block, Does.Contain("line 100\n--- end of serial log ---\n--- qemu stderr ---\nqemu: warning"));
        Assert.That(SerialLogText.Block(""), Does.Contain("(nothing was printed on COM1)"));
    }
}
