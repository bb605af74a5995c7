using System;
using System.Globalization;
using System.Text.RegularExpressions;
using MemOS.Tests.Kernel;
using NUnit.Framework;

namespace MemOS.Tests.Suites;

/// <summary>
/// Issue 8's repros over serial, each ending with a clean error and a working shell: user-heap links aimed at the
/// kernel are refused, frees and allocations in demand mode with RAM exhausted fail cleanly, and exhausting the PMM
/// by hand leaves the kernel its reserve.
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

    /// <summary>The shell still answers, both heaps check out, and the memory manager's own commands run.</summary>
    internal static void AssertWorkingShell(ShellSession shell, bool userHeapOk = true)
    {
        Assert.That(shell.Run("echo still here"), Is.EqualTo("still here"));
        Assert.That(shell.Run("heap check"), Is.EqualTo("heap check: ok"));
        if (userHeapOk) Assert.That(shell.Run("heap check --user"), Is.EqualTo("user heap check: ok"));
        Assert.That(shell.Run("meminfo"), Does.Contain("free"));
    }

    [TestCase("K-16")]
    [TestCase("text-16")]
    public void Repro1_a_forged_free_link_is_refused_and_reported_for_the_user_heap_only(string target)
    {
        KernelTestEnvironment.RequireQemu();
        using var shell = ShellSession.Start();
        shell.Run("mode immediate");
        ulong k = AddressOf(shell.Run("alloc 64"));
        Assert.That(shell.Run($"write {Hex(k)} {Marker}"), Does.StartWith("wrote"));
        ulong a = AddressOf(shell.Run("alloc 5000 --user"));
        shell.Run("alloc 5000 --user");
        Assert.That(shell.Run($"free {Hex(a)} --user"), Does.StartWith("freed"));
        ulong aim = target == "K-16" ? k - 16 : 0xFFFF_FFFF_8010_1000UL - 16; // a kernel block, or kernel text
        Assert.That(shell.Run($"write {Hex(a + 8)} {Hex(aim)}"), Does.StartWith("wrote"));
        string alloc = shell.Run("alloc 5000 --user");
        TestContext.Out.WriteLine($"memos> write {Hex(a + 8)} {Hex(aim)}\nmemos> alloc 5000 --user\n{alloc}");
        Assert.That(alloc, Does.StartWith("alloc: the user heap is corrupted"), alloc);
        Assert.That(alloc, Does.Contain("(HeapCorrupted)"));
        Assert.That(shell.Run($"read {Hex(k)} 8"), Does.Contain(MarkerBytes), "the kernel block is untouched");
        string check = shell.Run("heap check --user");
        TestContext.Out.WriteLine("memos> heap check --user\n" + check);
        Assert.That(check, Does.StartWith("user heap check: FAILED (HeapCorrupted)"), check);
        AssertWorkingShell(shell, userHeapOk: false);
        Assert.That(shell.Run("alloc 64"), Does.StartWith("allocated"), "the kernel heap is unaffected");
    }

    [Test]
    public void Repro1_a_forged_slab_link_is_refused()
    {
        KernelTestEnvironment.RequireQemu();
        using var shell = ShellSession.Start();
        ulong k = AddressOf(shell.Run("alloc 64"));
        Assert.That(shell.Run($"write {Hex(k)} {Marker}"), Does.StartWith("wrote"));
        // The first 64-byte user block starts a slab; its header (links at +16, +24) is 32 bytes before the object.
        ulong slab = AddressOf(shell.Run("alloc 64 --user")) - 32;
        Assert.That(shell.Run($"write {Hex(slab + 16)} {Hex(k - 24)}"), Does.StartWith("wrote")); // next.prev = K
        Assert.That(shell.Run($"write {Hex(slab + 24)} {Hex(k - 16)}"), Does.StartWith("wrote")); // prev.next = K
        // Filling the slab takes it off its list: the unlink must not follow the forged links.
        for (int i = 0; i < 70; i++) Assert.That(shell.Run("alloc 64 --user"), Does.StartWith("allocated"));
        Assert.That(shell.Run($"read {Hex(k)} 8"), Does.Contain(MarkerBytes), "the kernel block is untouched");
        Assert.That(shell.Run("heap check --user"), Does.Contain("failed its checks"));
        Assert.That(shell.Run("heap check"), Is.EqualTo("heap check: ok"));
        Assert.That(shell.Run("echo still here"), Is.EqualTo("still here"));
    }

    [Test]
    public void Repro2_free_in_demand_mode_with_ram_exhausted_needs_no_frame()
    {
        KernelTestEnvironment.RequireQemu();
        using var shell = ShellSession.Start(new BootOptions { Memory = "32M" });
        shell.Run("mode demand");
        var blocks = new System.Collections.Generic.List<ulong>();
        while (true)
        {
            string r = shell.Run("alloc 1048576 --user");
            if (!r.StartsWith("allocated", StringComparison.Ordinal))
            {
                Assert.That(r, Does.StartWith("alloc: out of memory"));
                break;
            }
            blocks.Add(AddressOf(r));
            Assert.That(blocks.Count, Is.LessThan(300));
        }
        // RAM runs out (frames taken by hand stop at the kernel's reserve, as user pages do): then write pages of
        // the blocks until a write is refused.
        ExhaustByHand(shell);
        bool refused = false;
        for (int i = 0; i < blocks.Count && !refused; i++)
        {
            for (ulong page = 1; page < 255 && !refused; page++)
            {
                string w = shell.Run($"write {Hex(blocks[i] + page * 4096)} 1");
                if (w.StartsWith("wrote", StringComparison.Ordinal)) continue;
                refused = true;
                Assert.That(w, Does.Contain("refused"));
            }
        }
        Assert.That(refused, Is.True, "RAM ran out before every page was written");
        // Freeing writes footers and merges: all of it in pages committed when the blocks were carved.
        foreach (ulong b in blocks) Assert.That(shell.Run($"free {Hex(b)} --user"), Does.StartWith("freed"));
        AssertWorkingShell(shell);
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
        Assert.That(n, Is.GreaterThan(40), "the kernel heap gave its pages back, so the user heap has room");
        AssertWorkingShell(shell);
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
