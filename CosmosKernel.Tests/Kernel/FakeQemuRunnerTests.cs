using System;
using System.Diagnostics;
using System.IO;
using NUnit.Framework;

namespace MemOS.Tests.Kernel;

/// <summary>
/// SuiteRun and ShellSession against a fake QEMU (a bash script): process handling without an emulator.
/// </summary>
public class FakeQemuRunnerTests
{
    [Test]
    public void A_suite_run_collects_results_summary_and_exit_status_and_passes_the_suite_on_the_command_line()
    {
        string fake = FakeQemu.Create("suite-ok", """
            printf 'MemOS: boot\n[test] alpha PASS\n'
            printf '[test] beta FAIL: expected 1, got 2\n[suite] fake done: 1 passed, 1 failed\n'
            exit 3
            """);
        SuiteRun run = SuiteRun.Execute("fake", FakeQemu.Options(fake) with { CommandLine = "log=debug" });
        Assert.Multiple(() =>
        {
            Assert.That(run.Abort, Is.Null);
            Assert.That(run.Results["beta"].Reason, Is.EqualTo("expected 1, got 2"));
            Assert.That(run.ExitCode, Is.EqualTo(3));
            Assert.That(run.CheckAgainst(["alpha", "beta"]), Is.Empty);
            Assert.That(File.ReadAllText(fake + ".args"), Does.Contain("-append\nsuite=fake log=debug\n"));
        });
    }

    [Test]
    public void A_panic_fails_the_suite_fast_with_the_panic_details()
    {
        string fake = FakeQemu.Create("suite-panic", """
            printf '[test] alpha PASS\n!!! PANIC: double fault\n'
            sleep 0.1
            printf '  rsp 0xdead\n'
            sleep 60
            """);
        SuiteRun run = SuiteRun.Execute("fake", FakeQemu.Options(fake, TimeSpan.FromSeconds(30)));
        // no elapsed-time assert: a panic missed would end as a timeout (30 s), not as a KernelPanicException
        Assert.That(run.Abort, Is.TypeOf<KernelPanicException>());
        Assert.That(((KernelPanicException)run.Abort!).PanicText,
            Does.Contain("double fault").And.Contain("rsp 0xdead"));
        Assert.That(run.Results.Keys, Is.EqualTo(new[] { "alpha" }));
        Assert.That(run.ExitCode, Is.Null, "QEMU was killed");
    }

    [Test]
    public void A_suite_that_hangs_is_killed_at_the_timeout_and_reported_with_its_log()
    {
        string fake = FakeQemu.Create("suite-hang", "printf '[test] alpha PASS\\nstuck here\\n'\nsleep 60");
        SuiteRun run = SuiteRun.Execute("fake", FakeQemu.Options(fake, TimeSpan.FromSeconds(1)));
        Assert.That(run.Abort, Is.TypeOf<KernelTimeoutException>(), "killed at the timeout, not left running for 60 s");
        Assert.That(run.Abort!.Message, Does.Contain("timed out after 1 s").And.Contain("stuck here"));
    }

    [Test]
    public void QEMU_failing_to_start_the_kernel_is_reported_with_its_stderr()
    {
        string fake = FakeQemu.Create("qemu-error",
            "echo 'qemu-system-x86_64: Error loading uncompressed kernel without PVH ELF Note' >&2\nexit 1");
        SuiteRun run = SuiteRun.Execute("fake", FakeQemu.Options(fake));
        Assert.That(run.Abort, Is.Not.Null);
        Assert.That(run.Abort!.Message, Does.Contain("before the kernel printed anything").And.Contain("PVH ELF Note"));
    }

    [Test]
    public void A_shell_session_runs_commands_and_returns_their_output_without_echo_or_prompt()
    {
        using ShellSession shell = ShellSession.Start(FakeQemu.Options(FakeQemu.Create("shell", FakeQemu.Shell)));
        Assert.Multiple(() =>
        {
            Assert.That(shell.BootToPrompt, Is.GreaterThan(TimeSpan.FromMilliseconds(150)));
            Assert.That(shell.BootLog, Is.EqualTo("MemOS (fake) booting\n"));
            Assert.That(shell.Run("echo hello world"), Is.EqualTo("hello world"));
            Assert.That(shell.Run("lines"), Is.EqualTo("one\ntwo\nthree"));
            Assert.That(shell.Run(""), Is.Empty);
            Assert.That(shell.Run("slow"), Is.EqualTo("done"));
            Assert.That(shell.Run("frobnicate"), Is.EqualTo("unknown command: frobnicate"));
            Assert.That(shell.Run("nonl"), Is.EqualTo("no newline"));
            Assert.That(shell.Run("echo memos> inside"), Is.EqualTo("memos> inside"));
        });
    }

    [Test]
    public void Raw_input_reaches_the_kernel_unchanged()
    {
        using ShellSession shell = ShellSession.Start(FakeQemu.Options(FakeQemu.Create("shell-raw", FakeQemu.Shell)));
        shell.SendRaw("half a line");
        shell.SendRaw("\x03");
        Assert.That(shell.ReadUntilPrompt(), Is.EqualTo("half a line^C"));
        shell.Send("hang");
        Assert.That(shell.ReadUntil("hang\r\n"), Is.EqualTo("hang\r\n"));
    }

    [Test]
    public void A_panic_during_a_command_fails_at_once_with_the_serial_log()
    {
        using ShellSession shell = ShellSession.Start(FakeQemu.Options(FakeQemu.Create("shell-panic", FakeQemu.Shell)));
        var e = Assert.Throws<KernelPanicException>(() => shell.Run("panic", TimeSpan.FromSeconds(30)));
        // a panic missed would end as KernelTimeoutException after 30 s, which Assert.Throws rejects
        Assert.That(e!.PanicText, Does.StartWith("!!! PANIC: fake panic").And.Contain("rip 0x1234"));
        Assert.That(e.Message, Does.Contain("going down"));
        Assert.That(shell.Qemu.HasExited, Is.True);
    }

    [Test]
    public void A_command_that_hangs_times_out_with_the_serial_log()
    {
        using ShellSession shell = ShellSession.Start(FakeQemu.Options(FakeQemu.Create("shell-hang", FakeQemu.Shell)));
        var e = Assert.Throws<KernelTimeoutException>(() => shell.Run("hang", TimeSpan.FromSeconds(1)));
        Assert.That(e!.Message, Does.Contain("the prompt after 'hang'").And.Contain("memos> hang"));
    }

    [Test]
    public void QEMU_exiting_under_a_command_is_reported()
    {
        using ShellSession shell = ShellSession.Start(FakeQemu.Options(FakeQemu.Create("shell-quit", FakeQemu.Shell)));
        var e = Assert.Throws<KernelRunException>(() => shell.Run("quit"));
        Assert.That(e!.Message, Does.Contain("QEMU exited (status 0)"));
    }

    [Test]
    public void A_kernel_that_never_prompts_fails_the_boot_at_the_timeout()
    {
        string fake = FakeQemu.Create("no-prompt", "printf 'booting...\\n'\nsleep 60");
        var e = Assert.Throws<KernelTimeoutException>(
            () => ShellSession.Start(FakeQemu.Options(fake, TimeSpan.FromSeconds(1))));
        Assert.That(e!.Message, Does.Contain("the first prompt").And.Contain("booting..."));
    }
}
