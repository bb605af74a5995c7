using System;
using System.Globalization;
using System.Text.RegularExpressions;
using MemOS.Tests.Kernel;
using NUnit.Framework;

namespace MemOS.Tests.Suites;

/// <summary>
/// `alloc`/`free`/`heap --user` act in a process: the resident heapd the shell starts on first use, or `--pid N`.
/// The heap work is the process's own (ring 3); the kernel carries requests and answers and measures the cost on the
/// process's address space. A pid that does not serve gets a clear error; killing the serving process gives every
/// frame back and the next request starts a fresh one.
/// </summary>
[Category(KernelTestEnvironment.Category)]
[NonParallelizable]
public sealed class ProcessHeapSession
{
    private static readonly Regex Allocated = new(
        @"^allocated (\d+) B at 0x([0-9a-f]+) in the user heap of pid (\d+) \(heapd\): "
        + @"(\d+) new page\(s\) mapped, (\d+) page fault\(s\)$", RegexOptions.Multiline);

    internal static (ulong Address, int Pid, int Pages, int Faults) Alloc(ShellSession shell, string line)
    {
        string output = shell.Run(line);
        Match m = Allocated.Match(output);
        Assert.That(m.Success, Is.True, $"'{line}' printed: {output}");
        return (ulong.Parse(m.Groups[2].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture),
            int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture),
            int.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture),
            int.Parse(m.Groups[5].Value, CultureInfo.InvariantCulture));
    }

    internal static string Hex(ulong v) => "0x" + v.ToString("x", CultureInfo.InvariantCulture);

    /// <summary>`run heapd &amp;`: the pid of a second serving process.</summary>
    internal static int StartHeapd(ShellSession shell)
    {
        string started = shell.Run("run heapd &");
        Match m = Regex.Match(started, @"\[(\d+)\] heapd");
        Assert.That(m.Success, Is.True, started);
        return int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Free frames plus what the kernel heap and the kernel's page tables hold, from one meminfo: what a process
    /// takes and must give back.
    /// </summary>
    internal static long FramesOutsideKernelHeap(ShellSession shell)
    {
        string meminfo = shell.Run("meminfo");
        Match free = Regex.Match(meminfo, @"^physical: .*, free (\d+) frames", RegexOptions.Multiline);
        Match heap = Regex.Match(meminfo, @"^kernel heap: .*, (\d+) pages resident", RegexOptions.Multiline);
        Match tables = Regex.Match(meminfo, @"page tables: (\d+) frames");
        Assert.That(free.Success && heap.Success && tables.Success, meminfo);
        return long.Parse(free.Groups[1].Value, CultureInfo.InvariantCulture)
            + long.Parse(heap.Groups[1].Value, CultureInfo.InvariantCulture)
            + long.Parse(tables.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [Test]
    public void Alloc_free_and_heap_user_run_in_the_resident_heapd()
    {
        KernelTestEnvironment.RequireQemu();
        using var shell = ShellSession.Start();
        string first = shell.Run("alloc 300 --user");
        Match started = Regex.Match(first, @"\(heapd started as pid (\d+): the resident process");
        Assert.That(started.Success, Is.True, first);
        var a = Alloc(shell, "alloc 5000 --user");
        Assert.That(a.Pid.ToString(CultureInfo.InvariantCulture), Is.EqualTo(started.Groups[1].Value));
        Assert.That(a.Address, Is.InRange(0x1000_0000UL, 0x1800_0000UL), "the process heap starts at 0x10000000");
        Assert.That(shell.Run("alloc 64 --user"), Does.Not.Contain("started"), "one resident process");
        Assert.That(shell.Run("ps"), Does.Match($@"\s{a.Pid} serve .*heapd"));

        string stats = shell.Run("heap --user");
        Assert.That(stats, Does.StartWith($"user heap of pid {a.Pid}: 0x10000000-"), stats);
        Assert.That(stats, Does.Contain("; 3 from alloc"), stats);
        string blocks = shell.Run("heap blocks 4096 --user");
        Assert.That(blocks, Does.Contain($"{Hex(a.Address)} ").And.Contain("(from alloc)"), blocks);
        Assert.That(shell.Run("heap check --user"), Is.EqualTo("user heap check: ok"));

        Assert.That(shell.Run($"free {Hex(a.Address)} --user"),
            Does.Match($@"^freed {Hex(a.Address)} \(\d+ B\) in pid {a.Pid} \(heapd\)"));
        Assert.That(shell.Run($"free {Hex(a.Address)} --user"), Does.Contain("not an allocated block"));
        // heapd's own objects are not the shell's to free
        Match own = Regex.Match(blocks, @"^  (0x[0-9a-f]+) +\d+ B  used   (small|medium|large)$",
            RegexOptions.Multiline);
        Assert.That(own.Success, Is.True, blocks);
        Assert.That(shell.Run($"free {own.Groups[1].Value} --user"),
            Does.Contain("not an allocated block (in use by the process, not from alloc)"));
        Assert.That(shell.Run("heap check --user"), Is.EqualTo("user heap check: ok"));
        Assert.That(shell.Run("selftest"), Does.Contain($"PASS user heap check (pid {a.Pid}, heapd, by itself)")
            .And.Contain(" 0 failed"));
        Assert.That(shell.Run("gc"), Does.Match($@"gc: heaps trimmed: .*heapd \(pid {a.Pid}\) \d+ pages resident"));
    }

    [Test]
    public void Demand_mode_costs_are_the_processes_and_mode_reaches_the_next_heapd()
    {
        KernelTestEnvironment.RequireQemu();
        using var shell = ShellSession.Start();
        Assert.That(shell.Run("mode demand"), Does.StartWith("backing: demand"));
        var big = Alloc(shell, "alloc 1M --user");
        Assert.That(big.Pages, Is.LessThanOrEqualTo(2), "demand: only the pages the heap writes become resident");
        var immediate = Alloc(shell, "alloc 8 --user");
        Assert.That(shell.Run("mode immediate"), Does.Contain($"heapd (pid {big.Pid}) keeps the backing"));
        Assert.That(shell.Run($"kill {big.Pid}"), Does.Contain("killed"));
        var fresh = Alloc(shell, "alloc 1M --user");
        Assert.That(fresh.Pid, Is.Not.EqualTo(big.Pid), "a new resident process");
        Assert.That(fresh.Pages, Is.GreaterThanOrEqualTo(240), "immediate: the block is backed at growth");
        Assert.That(fresh.Faults, Is.Zero);
        Assert.That(shell.Run($"free {Hex(immediate.Address)} --user"), Does.Contain("not an allocated block"),
            "the old process's blocks died with it");
    }

    [Test]
    public void Pid_targets_a_serving_process_and_refuses_the_others_at_once()
    {
        KernelTestEnvironment.RequireQemu();
        using var shell = ShellSession.Start();
        int pid = StartHeapd(shell);
        var a = Alloc(shell, $"alloc 100 --pid {pid}");
        Assert.That(a.Pid, Is.EqualTo(pid));
        Assert.That(shell.Run($"heap --user --pid {pid}"), Does.Contain("; 1 from alloc"));
        Assert.That(shell.Run($"free {Hex(a.Address)} --pid {pid}"), Does.StartWith("freed"));
        Assert.That(shell.Run($"heap check --pid {pid}"), Is.EqualTo("user heap check: ok"));
        Assert.That(shell.Run("ps"), Does.Not.Contain("started"), "--pid never starts the resident one");

        string sleeper = shell.Run("run ctest sleep 60000 &");
        string other = Regex.Match(sleeper, @"\[(\d+)\] ctest").Groups[1].Value;
        Assert.That(shell.Run($"alloc 64 --pid {other}"),
            Does.StartWith($"alloc: pid {other} (ctest) does not serve heap requests"));
        Assert.That(shell.Run($"heap --pid {other}"), Does.Contain("does not serve heap requests"));
        Assert.That(shell.Run("alloc 64 --pid 999"), Is.EqualTo("alloc: no live process 999 (see ps)"));
        Assert.That(shell.Run("free 0x10000000 --pid 0"), Is.EqualTo("free: no live process 0 (see ps)"));
        Assert.That(shell.Run("alloc 64 --pid abc"), Does.Contain("'abc' is not a pid"));
        Assert.That(shell.Run("alloc 64 --user --pid"), Does.Contain("--pid needs a process id"));
        Assert.That(shell.Run("heap blocks 0 --pid 1"), Does.Contain("count must be"));
        Assert.That(shell.Run($"alloc 2G --pid {pid}"), Does.Contain("SIZE must be"));
        Assert.That(shell.Run($"alloc 1G --pid {pid}"), Does.StartWith($"alloc: pid {pid} (heapd): out of memory"));
        Assert.That(shell.Run($"alloc 64 --align 3 --pid {pid}"), Does.Contain("--align must be"));
        Assert.That(shell.Run($"free 0xdeadbeef --pid {pid}"), Does.Contain("not an allocated block"));
        Assert.That(shell.Run($"write 0xffffffff80100000 0x41 --pid {pid}"), Does.Contain("not in the user half"));
        Assert.That(shell.Run($"kill {pid}"), Does.Contain("killed"));
        Assert.That(shell.Run($"alloc 64 --pid {pid}"), Is.EqualTo($"alloc: no live process {pid} (see ps)"));
        Assert.That(shell.Run($"kill {other}"), Does.Contain("killed"));
        Assert.That(shell.Run("heap check"), Is.EqualTo("heap check: ok"));
    }

    [Test]
    public void Killing_the_resident_heapd_gives_every_frame_back()
    {
        KernelTestEnvironment.RequireQemu();
        using var shell = ShellSession.Start();
        // a first heapd, killed, so the kernel heap has met every object a heapd's life makes
        int warm = Alloc(shell, "alloc 64 --user").Pid;
        Assert.That(shell.Run($"kill {warm}"), Does.Contain("killed"));
        shell.Run("gc");
        long before = FramesOutsideKernelHeap(shell);
        var a = Alloc(shell, "alloc 4M --user");
        Alloc(shell, "alloc 100 --user");
        Assert.That(shell.Run($"free {Hex(a.Address)} --user"), Does.StartWith("freed"));
        Alloc(shell, "alloc 300K --user");
        Assert.That(FramesOutsideKernelHeap(shell), Is.LessThan(before - 100), "the process holds frames");
        Assert.That(shell.Run($"kill {a.Pid}"), Does.Contain("killed"));
        shell.Run("gc");
        Assert.That(FramesOutsideKernelHeap(shell), Is.EqualTo(before), "every frame of the process came back");
        Assert.That(shell.Run("ps"), Does.Not.Contain("heapd"));
        // a free with no heapd has nothing to free: refused, and no fresh heapd is started for it
        Assert.That(shell.Run($"free {Hex(a.Address)} --user"), Does.StartWith("free: no heapd runs"));
        Assert.That(shell.Run("ps"), Does.Not.Contain("heapd"));
        Assert.That(FramesOutsideKernelHeap(shell), Is.EqualTo(before));
    }

    [Test]
    public void Out_of_memory_in_32M_is_the_processes_error_and_its_frames_come_back()
    {
        KernelTestEnvironment.RequireQemu();
        using var shell = ShellSession.Start(new BootOptions { Memory = "32M" });
        shell.Run("mode immediate");
        int pid = 0, n = 0;
        while (true)
        {
            string r = shell.Run("alloc 1M --user");
            Match m = Allocated.Match(r);
            if (!m.Success)
            {
                Assert.That(r, Does.StartWith($"alloc: pid {pid} (heapd): out of memory"), r);
                break;
            }
            pid = int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture);
            Assert.That(++n, Is.LessThan(64));
        }
        Assert.That(n, Is.GreaterThan(0), "heapd (about 700 pages itself) had room for some blocks");
        Assert.That(shell.Run("heap check --user"), Is.EqualTo("user heap check: ok"));
        Assert.That(shell.Run("heap check"), Is.EqualTo("heap check: ok"));
        Assert.That(shell.Run("run hello"), Does.Contain("Hello from a MemOS process!").Or.Contain("run: "));
        Assert.That(shell.Run($"kill {pid}"), Does.Contain("killed"));
        Assert.That(shell.Run("run hello"), Does.Contain("Hello from a MemOS process!"), "the memory came back");
        Assert.That(shell.Run("selftest"), Does.Contain(" 0 failed"));
    }
}
