using System;
using System.Linq;
using System.Text.RegularExpressions;
using NUnit.Framework;

namespace MemOS.Tests.Kernel.Actions;

/// <summary>
/// trace: every memory layer narrates itself, and alloc, free, touch and write print the events their operation
/// caused, in order, each line prefixed with the layer that emitted it.
/// </summary>
[Category(KernelTestEnvironment.Category)]
public class TraceActionTests : ActionSession
{
    private static readonly string[] LayerOrder = ["heap", "VMM", "fault", "PMM", "page table"];

    /// <summary>The layer prefix of each narrated line ("  heap: ..." -> "heap"), in order.</summary>
    private static string[] Layers(string output)
        => output.Split('\n').Skip(1)
            .Where(l => l.StartsWith("  ", StringComparison.Ordinal)
                && !l.StartsWith("  ...", StringComparison.Ordinal))
            .Select(l => l[2..l.IndexOf(':', StringComparison.Ordinal)]).ToArray();

    [Test]
    public void Trace_on_narrates_a_fault_and_off_stops()
    {
        Assert.That(Run("trace"), Is.EqualTo("trace: off"));
        Assert.That(Run("trace on"), Does.StartWith("trace: on"));
        string touch = Run("touch 0x0");
        // SafeAccess raises EFLAGS.AC for user addresses (0x0 is one): the fault says so, as the resolver was told.
        Assert.That(touch, Is.EqualTo("touch 0x0 read: refused: no region (no region)\n"
            + "  fault: page fault at 0x0 (read, not present, kernel, AC set)\n  fault: violation: no region"));
        string text = Run("touch 0xffffffff80101000 w");
        Assert.That(text, Does.EndWith("  fault: page fault at 0xffffffff80101000 (write, present, kernel)\n"
            + "  fault: violation: write to read-only"));
        Assert.That(Run("trace off"), Is.EqualTo("trace: off"));
        Assert.That(Run("touch 0x0"), Is.EqualTo("touch 0x0 read: refused: no region (no region)"));
    }

    [Test]
    public void Trace_tells_the_heaps_steps()
    {
        Run("trace on");
        string grow = Run("alloc 200K");
        Assert.That(grow, Does.Contain("\n  heap: looks for a block of 204800 B\n  heap: none fits: grows by "));
        Assert.That(grow,
            Does.Contain(": populated now (immediate)\n  PMM: frame "),
            "the VMM populates, the PMM gives");
        Assert.That(grow,
            Does.Match(@"\n  \.\.\. the same 2 steps \d+ more times, the last: "),
            "per-page steps folded");
        Assert.That(grow, Does.Contain("\n  heap: carves "));
        string small = Run("alloc 16");
        string address = small.Split(' ')[4];
        Assert.That(small, Does.Contain("\n  heap: looks for a block of 16 B\n"));
        Assert.That(small, Does.EndWith($"\n  heap: block of 16 B at {address}"));
        Assert.That(Run("free " + address), Does.EndWith($"\n  heap: takes back 16 B at {address}"));
        Run("trace off");
    }

    [Test]
    public void Trace_of_a_demand_allocation_in_a_process_goes_vmm_fault_pmm_page_table()
    {
        // A process's heap (heapd, started in demand mode) grows by mmap: its events follow the request, with its pid.
        Run("mode demand");
        string pid = "";
        try
        {
            Match started = Regex.Match(Run("run heapd &"), @"\[(\d+)\] heapd");
            Assert.That(started.Success, Is.True);
            pid = started.Groups[1].Value;
            Run("trace on");
            string alloc = Run($"alloc 100K --pid {pid}");
            Run("trace off");
            Assert.That(alloc, Does.Match(
                $@"^allocated 102400 B at 0x[0-9a-f]+ in the user heap of pid {pid} \(heapd\): "
                + $@"\d+ new page\(s\) mapped, \d+ page fault\(s\)\n"
                + $@"  pid {pid} VMM: region mmap created at 0x[0-9a-f]+, \d+ B, left to demand "
                + $@"\(demand\)\n  pid {pid} fault: page fault at 0x[0-9a-f]+ \(write, not present, user\)\n"
                + $@"  pid {pid} fault: region mmap \(demand\): private zeroed frame mapped\n  pid {pid} PMM: frame "));
            Assert.That(Layers(alloc).Select(l => Regex.Replace(l, @"^pid \d+ ", "")).Distinct().ToArray(),
                Is.EqualTo(new[] { "VMM", "fault", "PMM", "page table" }), alloc);
        }
        finally
        {
            Run("trace off");
            Run("mode immediate");
            if (pid.Length > 0) Run($"kill {pid}");
        }
    }

    [Test]
    public void Vmmap_shows_a_process_heap_left_to_demand_and_the_kernel_heap_always_backed()
    {
        Run("mode demand");
        string pid = "";
        try
        {
            Match started = Regex.Match(Run("run heapd &"), @"\[(\d+)\] heapd");
            Assert.That(started.Success, Is.True);
            pid = started.Groups[1].Value;
            Assert.That(Run($"alloc 1M --pid {pid}"), Does.StartWith("allocated"));
            string[] heap = Run("vmmap " + pid).Split('\n')
                .Where(l => l.StartsWith("00000000100", StringComparison.Ordinal)).ToArray();
            Assert.That(heap, Is.Not.Empty);
            Assert.That(heap, Has.All.Match(@"rw-p 00000000 00:00 0  \[mmap\]  demand, \d+/\d+ pages resident$"));
            string kernel = Run("vmmap").Split('\n').Single(l => l.Contains("[kernel heap]", StringComparison.Ordinal));
            Assert.That(kernel, Does.Match(@"\[kernel heap\]  immediate, \d+/\d+ pages resident$"), "always backed");
        }
        finally
        {
            Run("mode immediate");
            if (pid.Length > 0) Run($"kill {pid}");
        }
    }

    [Test]
    public void Trace_rejects_other_words()
        => Assert.That(Run("trace maybe"), Does.StartWith("trace: 'maybe' is neither on nor off"));
}
