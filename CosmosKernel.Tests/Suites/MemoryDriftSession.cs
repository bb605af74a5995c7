using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.RegularExpressions;
using MemOS.Tests.Kernel;
using NUnit.Framework;
using static MemOS.Tests.Suites.HostileMemorySession;

namespace MemOS.Tests.Suites;

/// <summary>
/// Memory comes back: after running both heaps out of memory, freeing everything and `gc`, free frames are within
/// 1 % of the boot count (the first `gc`'s) and the kernel heap's resident pages within 2x their figure at boot
/// (`vmmap` before anything ran), as issue 8 asks.
/// </summary>
[Category(KernelTestEnvironment.Category)]
[NonParallelizable]
public sealed class MemoryDriftSession
{
    private static readonly Regex Trimmed = new(
        @"^gc: heaps trimmed: kernel heap (\d+) pages resident; "
        + @"(?:heapd \(pid \d+\) (\d+) pages resident \([^\n]*\); )?"
        + @"(\d+) frames free", RegexOptions.Multiline);

    private static readonly Regex KernelHeapResident = new(@"kernel heap.*?(\d+)/\d+ pages resident");

    /// <summary>Kernel heap pages resident as `vmmap` shows them (before any `gc` trims: the boot figure).</summary>
    internal static ulong KernelHeapPages(ShellSession shell)
    {
        string vmmap = shell.Run("vmmap");
        Match m = KernelHeapResident.Match(vmmap);
        Assert.That(m.Success, Is.True, vmmap);
        return ulong.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Runs `gc` and returns (kernel heap resident pages, the resident heapd's resident pages or 0, free frames).
    /// </summary>
    internal static (ulong Kernel, ulong User, ulong Free) Gc(ShellSession shell)
    {
        string gc = shell.Run("gc");
        Match m = Trimmed.Match(gc);
        Assert.That(m.Success, Is.True, gc);
        return (ulong.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture),
            m.Groups[2].Success ? ulong.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) : 0,
            ulong.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture));
    }

    internal static void AssertDrift((ulong Kernel, ulong User, ulong Free) boot,
        (ulong Kernel, ulong User, ulong Free) end,
        bool kernelBound = true)
    {
        TestContext.Out.WriteLine($"free frames {boot.Free} -> {end.Free}; "
                                  + $"kernel heap {boot.Kernel} -> {end.Kernel} pages; "
                                  + $"heapd {boot.User} -> {end.User} pages");
        // Frames the kernel heap keeps are bounded by the 2x check below when it applies (the heap's drift); every
        // other frame - process tables, stacks, page tables, heapd's memory - must come back to within 1 %.
        ulong heapGrowth = kernelBound && end.Kernel > boot.Kernel ? end.Kernel - boot.Kernel : 0;
        Assert.That((double)(end.Free + heapGrowth), Is.GreaterThanOrEqualTo(boot.Free * 0.99),
            "free frames, less the kernel heap's growth, within 1 % of boot");
        if (kernelBound)
            Assert.That(end.Kernel, Is.LessThanOrEqualTo(boot.Kernel * 2), "kernel heap within 2x its boot size");
    }

    [TestCase("32M", "")]
    [TestCase("48M", "")]
    [TestCase("64M", "")]
    [TestCase("32M", "qemu64")] // a CPU without SMEP/SMAP: the same bounds hold
    public void After_an_oom_run_and_gc_the_frames_come_back(string memory, string cpu)
    {
        KernelTestEnvironment.RequireQemu();
        using var shell = ShellSession.Start(new BootOptions
        {
            Memory = memory,
            ExtraQemuArguments = cpu.Length == 0 ? [] : ["-cpu", cpu],
        });
        ulong bootHeap = KernelHeapPages(shell);
        var boot = Gc(shell) with { Kernel = bootHeap };
        shell.Run("mode immediate");
        var kernel = new List<ulong>();
        for (string r; (r = shell.Run("alloc 1048576")).StartsWith("allocated", StringComparison.Ordinal);)
            kernel.Add(AddressOf(r));
        foreach (ulong b in kernel) Assert.That(shell.Run($"free {Hex(b)}"), Does.StartWith("freed"));
        Gc(shell);
        // heapd in immediate mode until its heap is refused, every block freed, then heapd ends
        var user = new List<ulong>();
        string pid = "";
        for (string r; (r = shell.Run("alloc 1048576 --user")).StartsWith("allocated", StringComparison.Ordinal);)
        {
            user.Add(AddressOf(r));
            pid = Regex.Match(r, @"of pid (\d+)").Groups[1].Value;
        }
        Assert.That(user.Count, Is.GreaterThan(0));
        foreach (ulong b in user) Assert.That(shell.Run($"free {Hex(b)} --user"), Does.StartWith("freed"));
        Assert.That(shell.Run($"kill {pid}"), Does.Contain("killed"));
        // a fresh heapd in demand mode: 64 KiB blocks touched by writes into its address space until refused
        shell.Run("mode demand");
        user.Clear();
        for (string r; (r = shell.Run("alloc 65536 --user")).StartsWith("allocated", StringComparison.Ordinal);)
        {
            ulong a = AddressOf(r);
            user.Add(a);
            pid = Regex.Match(r, @"of pid (\d+)").Groups[1].Value;
            shell.Run($"write {Hex(a + 8192)} 1 --pid {pid}");
            Assert.That(user.Count, Is.LessThan(5000));
        }
        foreach (ulong b in user)
        {
            string f = shell.Run($"free {Hex(b)} --user");
            if (!f.StartsWith("freed", StringComparison.Ordinal)) break; // heapd may have been killed for want of RAM
        }
        // every heapd ends (a heap --user after heapd died would start a fresh one, which holds nothing of the run)
        foreach (Match h in Regex.Matches(shell.Run("ps"), @"^\s+(\d+) \w+ .*heapd$", RegexOptions.Multiline))
            shell.Run($"kill {h.Groups[1].Value}");
        Gc(shell);
        var end = Gc(shell);
        AssertDrift(boot, end);
        AssertWorkingShell(shell);
    }
}
