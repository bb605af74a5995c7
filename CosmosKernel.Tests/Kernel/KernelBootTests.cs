using System;
using MemOS.Tests.Suites;
using NUnit.Framework;

namespace MemOS.Tests.Kernel;

/// <summary>
/// The built kernel boots both ways a user boots it: the flat image through QEMU's <c>-kernel</c> (multiboot1) and the
/// GRUB ISO (multiboot2). Each check reads what only the kernel itself prints (GRUB's menu also says "MemOS").
/// </summary>
[Category(KernelTestEnvironment.Category)]
public class KernelBootTests
{
    [Test]
    public void Kernel_boots_and_exits_cleanly()
    {
        KernelTestEnvironment.RequireQemu();
        SuiteRun run = SuiteRun.Execute("smoke", new BootOptions { Timeout = TimeSpan.FromSeconds(60) });
        run.ThrowIfAborted();
        string log = SerialLogText.Block(run.SerialLog, run.QemuErrors);
        // QEMU's multiboot1 loader puts the image's path before the -append words
        Assert.That(run.SerialLog,
            Does.Match(@"MemOS booted by multiboot1, command line '\S*kernel\.bin suite=smoke'"),
            log);
        Assert.That(run.CheckAgainst(SmokeSuite.Tests), Is.Empty, log);
        Assert.That(run.ExitCode, Is.EqualTo(SerialProtocol.ExitStatusAllPassed),
            $"every smoke test passes and QEMU exits through isa-debug-exit with status 1\n{log}");
        TestContext.Out.WriteLine($"boot to exit: {run.Duration.TotalMilliseconds:0} ms, status {run.ExitCode}");
    }

    [Test]
    public void The_iso_boots_through_GRUB_to_the_MemOS_shell()
    {
        KernelTestEnvironment.RequireQemu();
        string iso = KernelImage.Locate().RequireIso();
        using ShellSession shell = ShellSession.Start(QemuOptions.ForIso(iso), TimeSpan.FromSeconds(90));
        string log = SerialLogText.Block(shell.SerialLog, shell.Qemu.ErrorLog);
        // grub.cfg passes no command line; the kernel names the protocol its parser recognised
        Assert.That(shell.BootLog, Does.Contain("MemOS booted by multiboot2, command line ''\n"), log);
        Assert.That(shell.BootLog, Does.Contain("MemOS - memory management made visible."), log);

        string map = shell.Run("memmap");
        Assert.That(map, Does.StartWith("memory map from multiboot2 (GRUB"), log);
        Assert.That(map, Does.Not.Contain("problem:"), map);
        Assert.That(shell.Run("echo grub boot answers"), Is.EqualTo("grub boot answers"), log);
        TestContext.Out.WriteLine($"ISO: first prompt after {shell.BootToPrompt.TotalMilliseconds:0} ms");
    }
}
