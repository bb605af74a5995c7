using System;
using NUnit.Framework;

namespace MemOS.Tests.Kernel.Shell;

/// <summary>
/// A line typed before the first prompt runs whole: its first byte reaches the UART before the kernel sets COM1 up,
/// and turning the FIFO on clears the receiver, so it used to be lost (`uptime` typed ahead ran `ptime`).
/// </summary>
[Category(KernelTestEnvironment.Category)]
public class TypeAheadTests
{
    [Test]
    public void A_command_typed_before_the_kernel_starts_loses_no_character()
    {
        KernelTestEnvironment.RequireQemu();
        using QemuProcess qemu = QemuProcess.Start(new BootOptions().ToQemuOptions(""));
        qemu.Write("echo typed-ahead\r"); // QEMU is still in the firmware: nothing has read COM1 yet
        DateTime deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        string? line;
        do
        {
            line = qemu.ReadLine(deadline - DateTime.UtcNow);
            Assert.That(line, Is.Not.Null, "QEMU's output ended\n" + qemu.SerialLog);
            Assert.That(line, Does.Not.StartWith("unknown command"), qemu.SerialLog);
        }
        while (line != "typed-ahead");
    }
}
