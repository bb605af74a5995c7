using System;
using System.Globalization;
using System.Text.RegularExpressions;
using MemOS.Tests.Kernel;
using NUnit.Framework;

namespace MemOS.Tests.Suites;

/// <summary>
/// Issue 8's repros over serial, each ending with a clean error and a working shell: a user heap lives in its process
/// (heapd), so links forged in it are that process's problem (refused by its heap, or it is killed) and never followed
/// by the kernel; frees and allocations in demand mode with RAM exhausted fail cleanly; exhausting the PMM by hand
/// leaves the kernel its reserve.
/// </summary>
[Category(KernelTestEnvironment.Category)]
[NonParallelizable]
public sealed class HostileMemorySession
{
    private const string Marker = "0x1122334455667788", MarkerBytes = "88 77 66 55 44 33 22 11";
    private static readonly Regex Allocated = new(@"^allocated \d+ B at (0x[0-9a-f]+)", RegexOptions.Multiline);

    internal static ulong AddressOf(string output)
    {
        Match m = Allocated.Match(output);
        Assert.That(m.Success, Is.True, output);
        return ulong.Parse(m.Groups[1].Value[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }

    internal static string Hex(ulong v) => "0x" + v.ToString("x", CultureInfo.InvariantCulture);

    /// <summary>The shell still answers, the kernel heap checks out, and the memory manager's own commands run.
    /// </summary>
    internal static void AssertWorkingShell(ShellSession shell)
    {
        Assert.That(shell.Run("echo still here"), Is.EqualTo("still here"));
        Assert.That(shell.Run("heap check"), Is.EqualTo("heap check: ok"));
        Assert.That(shell.Run("meminfo"), Does.Contain("free"));
    }

    /// <summary>
    /// Issue 8's repro 1 against processes: a free block's link in heapd's heap, written through the kernel's checked
    /// user copy (`write --pid`), aimed at a kernel block or at kernel text. The next allocation is the process's:
    /// its heap refuses the link (HeapCorrupted) or the process faults and is killed; the kernel block is untouched,
    /// the kernel heap, selftest and another heapd carry on, and once the process is gone every frame is back.
    /// </summary>
    [TestCase("K-16")]
    [TestCase("text-16")]
    public void Repro1_a_forged_free_link_in_a_process_heap_stays_that_processes_problem(string target)
    {
        KernelTestEnvironment.RequireQemu();
        using var shell = ShellSession.Start();
        shell.Run("mode immediate");
        int warm = ProcessHeapSession.Alloc(shell, "alloc 64 --user").Pid; // the kernel heap meets a heapd's objects
        Assert.That(shell.Run($"kill {warm}"), Does.Contain("killed"));
        shell.Run("gc");
        long frames = ProcessHeapSession.FramesOutsideKernelHeap(shell);
        ulong k = AddressOf(shell.Run("alloc 64"));
        Assert.That(shell.Run($"write {Hex(k)} {Marker}"), Does.StartWith("wrote"));
        var a = ProcessHeapSession.Alloc(shell, "alloc 5000 --user");
        int pid = a.Pid;
        ProcessHeapSession.Alloc(shell, "alloc 5000 --user");
        Assert.That(shell.Run($"free {Hex(a.Address)} --user"), Does.StartWith("freed"));
        ulong aim = target == "K-16" ? k - 16 : 0xFFFF_FFFF_8010_1000UL - 16; // a kernel block, or kernel text
        Assert.That(shell.Run($"write {Hex(a.Address + 8)} {Hex(aim)} --pid {pid}"),
            Does.StartWith($"wrote {Hex(aim)} (8 bytes) at {Hex(a.Address + 8)} in pid {pid} (heapd)"));
        string alloc = shell.Run("alloc 5000 --user");
        TestContext.Out.WriteLine($"memos> write {Hex(a.Address + 8)} {Hex(aim)} --pid {pid}\n"
            + $"memos> alloc 5000 --user\n{alloc}");
        bool refused = alloc.StartsWith($"alloc: pid {pid} (heapd): its heap is corrupted", StringComparison.Ordinal);
        bool killed = Regex.IsMatch(alloc, $@"pid {pid} \(heapd\): killed by vector \d+ .*\n"
            + $@"alloc: pid {pid} \(heapd\) ended before answering \(killed by signal \d+\)");
        Assert.That(refused || killed, Is.True, alloc);
        if (refused)
        {
            Assert.That(alloc, Does.Contain("(HeapCorrupted)"));
            string check = shell.Run("heap check --user");
            TestContext.Out.WriteLine("memos> heap check --user\n" + check);
            Assert.That(check, Does.StartWith("user heap check: FAILED (HeapCorrupted)"), check);
            Assert.That(shell.Run("selftest"), Does.Contain($"FAIL user heap check (pid {pid}, heapd, by itself)"),
                "selftest names the process whose heap is corrupted");
        }
        Assert.That(shell.Run($"read {Hex(k)} 8"), Does.Contain(MarkerBytes), "the kernel block is untouched");
        AssertWorkingShell(shell);
        // another process's heap is its own
        int other = ProcessHeapSession.StartHeapd(shell);
        ulong b = ProcessHeapSession.Alloc(shell, $"alloc 5000 --pid {other}").Address;
        Assert.That(shell.Run($"free {Hex(b)} --pid {other}"), Does.StartWith("freed"));
        Assert.That(shell.Run($"heap check --pid {other}"), Is.EqualTo("user heap check: ok"));
        Assert.That(shell.Run($"kill {other}"), Does.Contain("killed"));
        if (refused) Assert.That(shell.Run($"kill {pid}"), Does.Contain("killed"));
        Assert.That(shell.Run($"free {Hex(k)}"), Does.StartWith("freed"));
        Assert.That(shell.Run("selftest"), Does.Contain(" 0 failed"));
        shell.Run("gc");
        Assert.That(ProcessHeapSession.FramesOutsideKernelHeap(shell), Is.EqualTo(frames), "every frame came back");
    }

    [Test]
    public void Repro1_a_forged_slab_link_in_a_process_heap_is_not_followed_by_the_kernel()
    {
        KernelTestEnvironment.RequireQemu();
        using var shell = ShellSession.Start();
        ulong k = AddressOf(shell.Run("alloc 64"));
        Assert.That(shell.Run($"write {Hex(k)} {Marker}"), Does.StartWith("wrote"));
        // heapd's own objects use the small classes up to 640 B: the first 1024-byte block starts a slab, whose
        // header (links at +16, +24) is 32 bytes before the object.
        var first = ProcessHeapSession.Alloc(shell, "alloc 1024 --user");
        int pid = first.Pid;
        ulong slab = first.Address - 32;
        Assert.That(shell.Run($"write {Hex(slab + 16)} {Hex(k - 24)} --pid {pid}"), Does.StartWith("wrote"));
        Assert.That(shell.Run($"write {Hex(slab + 24)} {Hex(k - 16)} --pid {pid}"), Does.StartWith("wrote"));
        // Filling the slab takes it off its list: the process's unlink refuses the forged links, or it is killed.
        string last = "";
        for (int i = 0;
             i < 70 && (last = shell.Run("alloc 1024 --user")).StartsWith("allocated", StringComparison.Ordinal);
             i++)
        {
        }
        TestContext.Out.WriteLine(last);
        Assert.That(last,
            Does.StartWith("allocated").Or.Contain("its heap is corrupted").Or.Contain("ended before answering"));
        Assert.That(shell.Run($"read {Hex(k)} 8"), Does.Contain(MarkerBytes), "the kernel block is untouched");
        string check = shell.Run($"heap check --pid {pid}");
        Assert.That(check, Does.Contain("failed its checks").Or.Contain("FAILED").Or.Contain("no live process"), check);
        AssertWorkingShell(shell);
    }

    [Test]
    public void Repro2_free_in_demand_mode_with_ram_exhausted_is_the_processes_problem()
    {
        KernelTestEnvironment.RequireQemu();
        using var shell = ShellSession.Start(new BootOptions { Memory = "32M" });
        shell.Run("mode demand");
        var blocks = new System.Collections.Generic.List<ulong>();
        string pid = "";
        while (true)
        {
            string r = shell.Run("alloc 1048576 --user");
            if (!r.StartsWith("allocated", StringComparison.Ordinal))
            {
                Assert.That(r, Does.StartWith($"alloc: pid {pid} (heapd): out of memory"));
                break;
            }
            blocks.Add(AddressOf(r));
            pid = Regex.Match(r, @"in the user heap of pid (\d+)").Groups[1].Value;
            Assert.That(blocks.Count, Is.LessThan(300));
        }
        // RAM runs out (frames taken by hand stop at the kernel's reserve, as user pages do): then write pages of
        // the blocks, in heapd's address space, until a write is refused.
        ExhaustByHand(shell);
        bool refused = false;
        for (int i = 0; i < blocks.Count && !refused; i++)
        {
            for (ulong page = 1; page < 255 && !refused; page++)
            {
                string w = shell.Run($"write {Hex(blocks[i] + page * 4096)} 1 --pid {pid}");
                if (w.StartsWith("wrote", StringComparison.Ordinal)) continue;
                refused = true;
                Assert.That(w, Does.Contain("refused"));
            }
        }
        Assert.That(refused, Is.True, "RAM ran out before every page was written");
        // Freeing writes footers and merges in heapd: it frees, or it faults for want of a frame and only it dies.
        foreach (ulong b in blocks)
        {
            string f = shell.Run($"free {Hex(b)} --pid {pid}");
            if (f.StartsWith("freed", StringComparison.Ordinal)) continue;
            Assert.That(f, Does.Contain($"pid {pid} (heapd) ended before answering").Or.Contain("no live process"), f);
            break;
        }
        AssertWorkingShell(shell);
        if (!shell.Run("ps").Contains(" heapd", StringComparison.Ordinal)) return;
        Assert.That(shell.Run("heap check --user"), Is.EqualTo("user heap check: ok"));
    }

    /// <summary>
    /// `pmm alloc` 1024, then 64, then 1 frames until each fails: every frame above the reserve taken.
    /// </summary>
    internal static void ExhaustByHand(ShellSession shell)
    {
        foreach (int n in new[] { 1024, 64, 1 })
        {
            for (int i = 0; ; i++)
            {
                string r = shell.Run($"pmm alloc {n}");
                if (r.StartsWith("pmm alloc: could not", StringComparison.Ordinal)
                    || r.StartsWith("pmm alloc: out of frames", StringComparison.Ordinal))
                    break;
                Assert.That(r, Does.StartWith("pmm alloc:"), r);
                Assert.That(i, Is.LessThan(10000));
            }
        }
    }

    [TestCase("48M")]
    [TestCase("64M")]
    public void Repro3_user_alloc_in_demand_mode_with_ram_low_fails_cleanly(string memory)
    {
        KernelTestEnvironment.RequireQemu();
        using var shell = ShellSession.Start(new BootOptions { Memory = memory });
        shell.Run("mode immediate");
        var kernel = new System.Collections.Generic.List<ulong>();
        for (string r; (r = shell.Run("alloc 1048576")).StartsWith("allocated", StringComparison.Ordinal);)
            kernel.Add(AddressOf(r));
        foreach (ulong b in kernel) Assert.That(shell.Run($"free {Hex(b)}"), Does.StartWith("freed"));
        shell.Run("gc");
        shell.Run("mode demand");
        int n = 0;
        for (string r; (r = shell.Run("alloc 1048576 --user")).StartsWith("allocated", StringComparison.Ordinal);)
            Assert.That(++n, Is.LessThan(4000));
        Assert.That(n, Is.GreaterThan(40), "the kernel heap gave its pages back, so heapd's heap has room");
        AssertWorkingShell(shell);
        Assert.That(shell.Run("heap check --user"), Does.StartWith("user heap check: ok"));
    }

    [Test]
    public void Repro4_exhausting_the_pmm_by_hand_leaves_the_kernel_its_reserve()
    {
        KernelTestEnvironment.RequireQemu();
        using var shell = ShellSession.Start(new BootOptions { Memory = "32M" });
        ExhaustByHand(shell);
        AssertWorkingShell(shell);
        Assert.That(shell.Run("pmm"), Does.Contain("kernel reserve: "));
    }
}
