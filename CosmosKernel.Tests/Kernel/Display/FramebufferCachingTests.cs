using System.Linq;
using System.Text.RegularExpressions;
using NUnit.Framework;

namespace MemOS.Tests.Kernel.Display;

/// <summary>
/// The framebuffer's memory type: write-combining through PAT entry 1 (the page has PWT and not PCD) when the CPU
/// has PAT, uncached (PCD and PWT) without PAT or with `fbwc=off`; the boot log says which, and `pagewalk` of the
/// framebuffer shows the bits the MMU uses.
/// </summary>
[Category(KernelTestEnvironment.Category)]
public class FramebufferCachingTests
{
    [TestCase("max", "", "write-combining (PAT entry 1)", false)]
    [TestCase("qemu64", "", "write-combining (PAT entry 1)", false)]
    [TestCase("qemu64,-pat", "", "uncached", true)]
    [TestCase("max", "fbwc=off", "uncached", true)]
    public void The_framebuffer_is_mapped_write_combining_when_the_cpu_has_pat(string cpu, string commandLine,
        string type, bool cacheDisable)
    {
        KernelTestEnvironment.RequireQemu();
        using ShellSession shell = ShellSession.Start(new BootOptions
        {
            CommandLine = commandLine,
            ExtraQemuArguments = ["-cpu", cpu],
        });
        string console = shell.BootLog.Split('\n')
            .Single(l => l.StartsWith("console: ", System.StringComparison.Ordinal));
        Assert.That(console, Does.StartWith("console: framebuffer 1024x768x32"));
        Assert.That(console, Does.EndWith(", mapped " + type));

        string vmmap = shell.Run("vmmap");
        Match fb = Regex.Match(vmmap, @"(?m)^([0-9a-f]+)-[0-9a-f]+ .*\[framebuffer\]");
        Assert.That(fb.Success, Is.True, vmmap);
        string walk = shell.Run("pagewalk 0x" + fb.Groups[1].Value);
        string last = walk.Split('\n').Last(l => l.Contains("entry 0x", System.StringComparison.Ordinal));
        string[] flags = last[(last.LastIndexOf("  ", System.StringComparison.Ordinal) + 2)..].Split(' ');
        Assert.That(flags, Does.Contain("PWT"), walk);
        Assert.That(flags.Contains("PCD"), Is.EqualTo(cacheDisable), walk);
    }
}
