using NUnit.Framework;

namespace MemOS.Tests.Kernel;

public class SerialProtocolTests
{
    [TestCase("[test] pmm_alloc PASS", "pmm_alloc")]
    [TestCase("[test] pmm_alloc PASS\r", "pmm_alloc")]
    [TestCase("  [test] heap.grow PASS  ", "heap.grow")]
    [TestCase("[test] two words PASS", "two words")]
    public void A_pass_line_gives_the_name_and_no_reason(string line, string name)
    {
        Assert.That(SerialProtocol.TryParseTestLine(line, out KernelTestResult? r), Is.True);
        Assert.That(r, Is.EqualTo(new KernelTestResult(name, true, "")));
    }

    [TestCase("[test] vmm_demand FAIL: expected 0x1000, got 0x0", "vmm_demand", "expected 0x1000, got 0x0")]
    [TestCase("[test] vmm_demand FAIL:   spaced reason  \r", "vmm_demand", "spaced reason")]
    [TestCase("[test] x FAIL: PASS was expected", "x", "PASS was expected")]
    [TestCase("[test] x FAIL", "x", "(no reason given)")]
    public void A_fail_line_gives_the_name_and_the_reason(string line, string name, string reason)
    {
        Assert.That(SerialProtocol.TryParseTestLine(line, out KernelTestResult? r), Is.True);
        Assert.That(r, Is.EqualTo(new KernelTestResult(name, false, reason)));
    }

    [TestCase("[test] smep SKIP: the CPU has no SMEP", "smep", "the CPU has no SMEP")]
    [TestCase("[test] smep SKIP", "smep", "(no reason given)")]
    public void A_skip_line_gives_the_name_and_the_reason_and_is_no_failure(string line, string name, string reason)
    {
        Assert.That(SerialProtocol.TryParseTestLine(line, out KernelTestResult? r), Is.True);
        Assert.That(r, Is.EqualTo(new KernelTestResult(name, false, reason, Skipped: true)));
        Assert.That(r!.Failed, Is.False);
    }

    [TestCase("[test] missing_status")]
    [TestCase("[test] name skip: lower case")]
    [TestCase("[test] name pass")]
    [TestCase("[test]  PASS")]
    [TestCase("test] a PASS")]
    [TestCase("MemOS: booting")]
    [TestCase("")]
    public void Other_lines_are_not_results(string line)
        => Assert.That(SerialProtocol.TryParseTestLine(line, out _), Is.False);

    [Test]
    public void A_malformed_test_line_is_still_recognised_as_one()
    {
        Assert.That(SerialProtocol.LooksLikeTestLine("[test] missing_status"), Is.True);
        Assert.That(SerialProtocol.LooksLikeTestLine("[suite] x done"), Is.False);
        Assert.That(SerialProtocol.LooksLikeSummaryLine("[suite] x done"), Is.True);
    }

    [TestCase("[suite] pmm done: 12 passed, 0 failed", "pmm", 12, 0)]
    [TestCase("[suite] vmm done: 3 passed, 2 failed\r", "vmm", 3, 2)]
    [TestCase("[suite] vmm done: 3 passed, 2 failed, 0 skipped", "vmm", 3, 2)]
    public void The_summary_line_gives_suite_and_counts(string line, string suite, int passed, int failed)
    {
        Assert.That(SerialProtocol.TryParseSummaryLine(line, out SuiteSummary? s), Is.True);
        Assert.That(s, Is.EqualTo(new SuiteSummary(suite, passed, failed)));
    }

    [Test]
    public void The_summary_line_gives_the_skipped_count()
    {
        Assert.That(SerialProtocol.TryParseSummaryLine(
                "[suite] memory done: 9 passed, 0 failed, 1 skipped", out SuiteSummary? s),
            Is.True);
        Assert.That(s, Is.EqualTo(new SuiteSummary("memory", 9, 0, 1)));
        Assert.That(s!.ExpectedExitStatus, Is.EqualTo(SerialProtocol.ExitStatusAllPassed));
    }

    [TestCase("[suite] pmm done: 12 passed")]
    [TestCase("[suite] pmm done: x passed, 0 failed")]
    [TestCase("[suite] pmm finished: 1 passed, 0 failed")]
    [TestCase("[suite] pmm done: 1 passed, 0 failed, x skipped")]
    public void A_malformed_summary_is_not_parsed(string line)
        => Assert.That(SerialProtocol.TryParseSummaryLine(line, out _), Is.False);

    [Test]
    public void The_summary_promises_exit_status_1_when_all_passed_and_3_otherwise()
    {
        Assert.That(new SuiteSummary("s", 5, 0).ExpectedExitStatus, Is.EqualTo(1));
        Assert.That(new SuiteSummary("s", 5, 1).ExpectedExitStatus, Is.EqualTo(3));
    }

    [TestCase("!!! PANIC: page fault at 0x0", true)]
    [TestCase("!!! PANIC", true)]
    [TestCase("\r!!! PANIC kernel heap corrupted", true)]
    [TestCase("[test] x FAIL: !!! PANIC", false)]
    [TestCase("!! PANIC", false)]
    public void A_panic_line_starts_with_the_marker(string line, bool panic)
        => Assert.That(SerialProtocol.IsPanic(line), Is.EqualTo(panic));

    [Test]
    public void A_panic_is_found_at_a_line_start_anywhere_in_the_text_even_unfinished()
    {
        Assert.That(SerialProtocol.FindPanic("boot\n[test] a PASS\n!!! PANIC: #GP"), Is.EqualTo(19));
        Assert.That(SerialProtocol.FindPanic("boot\r\n!!! PANIC"), Is.EqualTo(6));
        Assert.That(SerialProtocol.FindPanic("!!! PANIC at start"), Is.EqualTo(0));
        Assert.That(SerialProtocol.FindPanic("echo !!! PANIC\nno panic here"), Is.EqualTo(-1));
        Assert.That(SerialProtocol.FindPanic("x !!! PANIC\n!!! PANIC real"), Is.EqualTo(12));
    }

    [TestCase(1, 0)]
    [TestCase(3, 1)]
    [TestCase(0, null)]
    [TestCase(2, null)]
    [TestCase(null, null)]
    public void The_debug_exit_value_is_recovered_from_QEMUs_status(int? status, int? value)
        => Assert.That(SerialProtocol.DebugExitValue(status), Is.EqualTo(value));

    [Test]
    public void Command_line_words_are_joined_with_single_spaces()
    {
        Assert.That(SerialProtocol.JoinCommandLine("suite=pmm", ""), Is.EqualTo("suite=pmm"));
        Assert.That(SerialProtocol.JoinCommandLine("suite=pmm", "log=debug mem=64"),
            Is.EqualTo("suite=pmm log=debug mem=64"));
        Assert.That(SerialProtocol.JoinCommandLine("", null, "x=1"), Is.EqualTo("x=1"));
    }
}
