using System;
using NUnit.Framework;

namespace MemOS.Tests.Kernel;

/// <summary>The built kernel boots in QEMU: the smoke test until the real suites exist.</summary>
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
        Assert.That(run.SerialLog, Does.Contain("MemOS"), log);
        Assert.That(run.ExitCode, Is.EqualTo(1).Or.EqualTo(3), $"QEMU should exit through isa-debug-exit (status 1 or 3)\n{log}");
        TestContext.Out.WriteLine($"boot to exit: {run.Duration.TotalMilliseconds:0} ms, status {run.ExitCode}");
    }

    [Test]
    public void The_iso_boots_through_GRUB_to_MemOS()
    {
        KernelTestEnvironment.RequireQemu();
        string iso = KernelImage.Locate().RequireIso();
        using QemuProcess qemu = QemuProcess.Start(QemuOptions.ForIso(iso));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!qemu.SerialLog.Contains("MemOS", StringComparison.Ordinal) && !qemu.OutputEnded && DateTime.UtcNow < deadline)
        {
            if (qemu.WaitForOutput(deadline - DateTime.UtcNow)) qemu.ReadAvailable();
        }
        Assert.That(qemu.SerialLog, Does.Contain("MemOS"), SerialLogText.Block(qemu.SerialLog, qemu.ErrorLog));
        TestContext.Out.WriteLine($"ISO: MemOS on COM1 after {qemu.Elapsed.TotalMilliseconds:0} ms");
    }
}
