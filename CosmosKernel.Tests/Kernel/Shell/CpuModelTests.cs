using System;
using System.Linq;
using NUnit.Framework;

namespace MemOS.Tests.Kernel.Shell;

/// <summary>
/// <c>cpuinfo</c> and <c>selftest</c> on QEMU CPU models whose features are known (QEMU 7.2, TCG): what cpuinfo says
/// must be what the model has, feature by feature, and selftest lists the checks a model cannot run as skipped. Each
/// case turns single features on or off on the command line, so an answer that does not come from CPUID fails.
/// </summary>
[Category(KernelTestEnvironment.Category)]
public class CpuModelTests
{
    // QEMU's x86 CPU models (target/i386/cpu.c): qemu64 has PAE, NX and PGE but no 1 GiB pages, PCID, SMEP or SMAP;
    // max under TCG adds 1 GiB pages, SMEP, SMAP and 5-level paging (57 virtual address bits), still without PCID.
    [TestCase("qemu64", "yes", "yes", "yes", "no ", "no ", "no ", "no ", "physical 40, virtual 48")]
    [TestCase("qemu64,+smep,+pdpe1gb", "yes", "yes", "yes", "yes", "no ", "yes", "no ", "physical 40, virtual 48")]
    [TestCase("max", "yes", "yes", "yes", "yes", "no ", "yes", "yes", "physical 40, virtual 57")]
    [TestCase("max,-smap,-pdpe1gb", "yes", "yes", "yes", "no ", "no ", "yes", "no ", "physical 40, virtual 57")]
    [TestCase("max,-nx", "yes", "no ", "yes", "yes", "no ", "yes", "yes", "physical 40, virtual 57")]
    public void Cpuinfo_reports_what_the_model_has(string model, string pae, string nx, string pge, string pages1G,
        string pcid, string smep, string smap, string addressBits)
    {
        using ShellSession shell = Boot(model);
        string[] lines = Lines(shell, "cpuinfo");
        string log = shell.SerialLog;
        Assert.That(lines.Single(l => l.StartsWith("address bits:", StringComparison.Ordinal)),
            Does.EndWith(addressBits),
            log);
        (string Name, string Value)[] expected =
            [("PAE", pae), ("NX", nx), ("PGE", pge), ("1GiB", pages1G), ("PCID", pcid), ("SMEP", smep), ("SMAP", smap)];
        foreach ((string name, string value) in expected)
            Assert.That(lines, Has.One.StartsWith($"  {name.PadRight(5)} {value}  "), $"{name} on -cpu {model}\n{log}");
    }

    [Test]
    public void Selftest_lists_smep_and_smap_as_skipped_on_qemu64()
    {
        using ShellSession shell = Boot("qemu64");
        string[] lines = Lines(shell, "selftest");
        Assert.That(lines, Has.One.EqualTo("SKIP CR4.SMEP on (the CPU has no SMEP)"), shell.SerialLog);
        Assert.That(lines, Has.One.EqualTo("SKIP CR4.SMAP on (the CPU has no SMAP)"), shell.SerialLog);
        Assert.That(lines, Has.None.StartWith("FAIL "), shell.SerialLog);
        int ran = lines.Count(l => l.StartsWith("PASS ", StringComparison.Ordinal));
        Assert.That(lines, Has.One.StartWith("SKIP user heap check (no heapd running"), shell.SerialLog);
        Assert.That(lines.Last(), Is.EqualTo($"selftest: {ran} passed, 0 failed, 3 skipped"), shell.SerialLog);
    }

    [Test]
    public void Selftest_checks_smep_where_the_model_has_it_and_skips_only_smap()
    {
        using ShellSession shell = Boot("qemu64,+smep");
        string[] lines = Lines(shell, "selftest");
        Assert.That(lines, Has.One.EqualTo("PASS CR4.SMEP on"), shell.SerialLog);
        Assert.That(lines, Has.One.EqualTo("SKIP CR4.SMAP on (the CPU has no SMAP)"), shell.SerialLog);
        Assert.That(lines.Last(), Does.EndWith(", 0 failed, 2 skipped"), shell.SerialLog); // SMAP, user heap
    }

    [Test]
    public void Without_nx_it_boots_says_so_runs_data_pages_and_skips_only_the_nx_checks()
    {
        using ShellSession shell = Boot("max,-nx");
        const string warning = "this CPU has no NX bit: pages meant to be no-execute stay executable";
        Assert.That(shell.SerialLog, Does.Contain("warning: " + warning));
        Assert.That(shell.Run("memmap"), Does.Contain("note: " + warning));
        string[] lines = Lines(shell, "selftest");
        Assert.That(lines, Has.One.EqualTo("SKIP EFER.NXE on (the CPU has no NX)"), shell.SerialLog);
        Assert.That(lines, Has.One.EqualTo("SKIP kernel rodata no-execute (the CPU has no NX)"), shell.SerialLog);
        Assert.That(lines, Has.One.EqualTo("PASS kernel rodata read-only"), shell.SerialLog);
        Assert.That(lines.Last(), Does.EndWith(", 0 failed, 3 skipped"), shell.SerialLog); // NXE, rodata NX, heap
        // A kernel-heap page is data: with NX it would fault on execute; here the page table has no NX bit to set.
        string walk = shell.Run("pagewalk 0xffff800000000000");
        Assert.That(walk, Does.Not.Contain("NX"), shell.SerialLog);
        Assert.That(walk, Does.Not.Contain("reserved"), shell.SerialLog);
    }

    private static ShellSession Boot(string model)
    {
        KernelTestEnvironment.RequireQemu();
        return ShellSession.Start(new BootOptions { ExtraQemuArguments = ["-cpu", model] });
    }

    private static string[] Lines(ShellSession shell, string command) => shell.Run(command).Split('\n');
}
