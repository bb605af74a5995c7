using System;
using MemOS.Tests.Kernel;
using NUnit.Framework;

namespace MemOS.Tests.Suites;

/// <summary>A kernel stack overflow hits the guard page, becomes a double fault on the IST stack, and is reported as
/// such.</summary>
[Category(KernelTestEnvironment.Category)]
public sealed class StackOverflowReport
{
    [Test]
    public void A_kernel_stack_overflow_is_reported_not_a_triple_fault()
    {
        KernelTestEnvironment.RequireQemu();
        using QemuProcess qemu =
            QemuProcess.Start(QemuOptions.ForKernel(KernelImage.Locate().RequireFlatImage(), "suite=overflow"));
        DateTime deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!qemu.SerialLog.Contains("MemOS halted", StringComparison.Ordinal)
               && !qemu.OutputEnded
               && DateTime.UtcNow < deadline)
        {
            if (qemu.WaitForOutput(TimeSpan.FromMilliseconds(200))) qemu.ReadAvailable();
        }
        string log = SerialLogText.Block(qemu.SerialLog, qemu.ErrorLog);
        Assert.That(qemu.SerialLog, Does.Contain("!!! PANIC: CPU exception #DF double fault"), log);
        Assert.That(qemu.SerialLog, Does.Contain("kernel stack overflow"), log);
        Assert.That(qemu.HasExited, Is.False,
            "the machine halts with the report on screen; it does not reset (triple fault)\n" + log);
    }
}
