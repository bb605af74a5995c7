using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using MemOS.Tests.Kernel;
using NUnit.Framework;

namespace MemOS.Tests.Source;

/// <summary>
/// What VMware is given, checked against the framebuffer path (VMware itself cannot run here): the .vmx boots the
/// ISO the build makes with BIOS firmware (VMware's VGA BIOS has the VBE modes GRUB sets), GRUB loads its video
/// drivers and leaves the mode to the kernel's multiboot2 framebuffer tag, and that tag asks for 1024×768×32.
/// </summary>
public class VmwareConfigurationTests
{
    private static readonly string Boot = Path.Combine(KernelImage.FindRepositoryRoot(AppContext.BaseDirectory),
        "CosmosKernel", "Boot");

    [Test]
    public void The_vmx_boots_the_built_iso_through_bios_with_a_serial_log()
    {
        string[] vmx = File.ReadAllLines(Path.Combine(Boot, "memos.vmx"));
        string Value(string key) => vmx.Select(l => Regex.Match(l, $@"^{Regex.Escape(key)} = ""(.*)""$"))
            .Single(m => m.Success).Groups[1].Value;
        Assert.That(Value("firmware"), Is.EqualTo("bios"), "GRUB on the ISO sets VBE modes; UEFI would need GOP");
        Assert.That(Value("ide1:0.deviceType"), Is.EqualTo("cdrom-image"));
        Assert.That(Value("ide1:0.fileName"), Is.EqualTo("memos.iso"), "the ISO the build puts beside the .vmx");
        Assert.That(Value("ide1:0.startConnected"), Is.EqualTo("TRUE"));
        Assert.That(Value("guestOS"), Is.EqualTo("other-64"));
        Assert.That(Value("serial0.fileType"), Is.EqualTo("file"));
        Assert.That(vmx.Any(l => l.StartsWith("svga.", StringComparison.Ordinal)), Is.False,
            "nothing overrides VMware's SVGA defaults (whose video memory is not verified here)");
    }

    [Test]
    public void Grub_leaves_the_mode_to_the_kernels_framebuffer_tag_of_1024x768x32()
    {
        string cfg = File.ReadAllText(Path.Combine(Boot, "grub.cfg"));
        Assert.That(cfg, Does.Match(@"(?m)^insmod all_video$"));
        Assert.That(cfg, Does.Not.Match(@"(?m)^\s*set gfxpayload"), "an active gfxpayload would override the tag");
        Assert.That(cfg, Does.Match(@"(?m)^\s*multiboot2 /boot/kernel\.elf$"));
        string asm = File.ReadAllText(Path.Combine(Boot, "boot.asm"));
        Assert.That(asm, Does.Match(@"dw 5, 1 +; framebuffer tag, optional"));
        Assert.That(asm, Does.Match(@"dd 1024, 768, 32"));
    }
}
