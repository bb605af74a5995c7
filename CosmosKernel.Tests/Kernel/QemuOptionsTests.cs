using System;
using NUnit.Framework;

namespace MemOS.Tests.Kernel;

public class QemuOptionsTests
{
    [Test]
    public void A_kernel_boot_uses_the_protocols_command()
    {
        var args = QemuOptions.ForKernel("/k/kernel.bin", "suite=pmm") .BuildArguments();
        Assert.That(string.Join(' ', args), Is.EqualTo(
            "-kernel /k/kernel.bin -append suite=pmm -serial stdio -display none -no-reboot "
            + "-device isa-debug-exit,iobase=0xf4,iosize=0x04 -m 128M -cpu max"));
    }

    [Test]
    public void Memory_and_extra_arguments_are_configurable_and_an_empty_command_line_is_left_out()
    {
        var options = QemuOptions.ForKernel("k.bin") with { Memory = "512M", ExtraArguments = ["-smp", "2"] };
        var args = options.BuildArguments();
        Assert.That(args, Does.Not.Contain("-append"));
        Assert.That(string.Join(' ', args), Does.EndWith("-m 512M -cpu max -smp 2"));
    }

    [Test]
    public void An_iso_boot_uses_cdrom_and_refuses_a_command_line()
    {
        Assert.That(string.Join(' ', QemuOptions.ForIso("/k/memos.iso").BuildArguments()),
            Does.StartWith("-cdrom /k/memos.iso -serial stdio"));
        Assert.Throws<InvalidOperationException>(
            () => (QemuOptions.ForIso("x.iso") with { CommandLine = "suite=a" }).BuildArguments());
        Assert.Throws<InvalidOperationException>(() => new QemuOptions().BuildArguments());
    }

    [Test]
    public void Boot_options_put_the_runners_words_first()
    {
        var q = new BootOptions { CommandLine = "log=debug", KernelPath = "/k/kernel.bin", Memory = "64M" }
            .ToQemuOptions("suite=pmm");
        Assert.That(q.CommandLine, Is.EqualTo("suite=pmm log=debug"));
        Assert.That(q.Memory, Is.EqualTo("64M"));
    }

    [Test]
    public void A_missing_qemu_is_reported_with_the_way_to_install_it()
    {
        Assert.That(QemuProcess.FindQemu("/nonexistent/qemu-system-x86_64"), Is.Null);
        var e = Assert.Throws<QemuNotInstalledException>(
            () => QemuProcess.Start(QemuOptions.ForKernel("k.bin") with { QemuPath = "/nonexistent/qemu" }));
        Assert.That(e!.Message, Does.Contain("./memos setup").And.Contain("apt-get install qemu-system-x86"));
    }
}
