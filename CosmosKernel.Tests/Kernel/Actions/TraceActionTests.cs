using System;
using System.Linq;
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
    public void Trace_of_a_demand_allocation_and_a_write_goes_heap_vmm_fault_pmm_page_table()
    {
        Run("mode demand");
        try
        {
            Run("trace on");
            string alloc = Run("alloc 3000 --user");
            ulong block = ulong.Parse(alloc.Split(' ')[4][2..], System.Globalization.NumberStyles.HexNumber,
                System.Globalization.CultureInfo.InvariantCulture);
            // A page of the user heap the allocation grew (left to demand) and nobody has touched.
            ulong fresh = (block + 3000 + 0xFFF) & ~0xFFFUL;
            string write = Run($"write {Hex(fresh)} 7");
            Run("trace off");

            // The heap grows (left to demand), charges the page it writes its header to (the PMM and the page table
            // make that page's tables if it has none yet), then the header write faults: the first touch maps it.
            string[] layers = Layers(alloc).Where(l => l is not ("PMM" or "page table")).Concat(Layers(write))
                .ToArray();
            Assert.That(layers.Distinct().ToArray(), Is.EqualTo(LayerOrder), alloc + "\n" + write);
            Assert.That(alloc, Does.Contain("\n  heap: looks for a block of 3000 B\n  heap: none fits: grows by "));
            Assert.That(alloc, Does.Match(@": left to demand \(demand\)\n((  (PMM:|page table:|\.\.\.) [^\n]*\n)*)"
                + @"  VMM: a frame charged for committed page (?<p>0x[0-9a-f]+) \(its first touch takes it\)\n"
                + @"  fault: page fault at \k<p> \(write, not present, kernel, AC set\)\n"
                + @"  fault: region user heap \(demand\): private zeroed frame mapped\n  PMM: frame "));
            Assert.That(write, Does.StartWith($"wrote 0x7 (1 byte) at {Hex(fresh)} after a page fault"));
            Assert.That(Layers(write), Is.EqualTo(new[] { "fault", "fault", "PMM", "page table", "VMM" }), write);
            Assert.That(write, Does.Contain(
                $"\n  fault: page fault at {Hex(fresh)} (write, not present, kernel, AC set)\n"
                + "  fault: region user heap (demand): private zeroed frame mapped\n  PMM: frame "));
        }
        finally
        {
            Run("trace off");
            Run("mode immediate");
        }
    }

    [Test]
    public void Vmmap_shows_which_part_of_an_immediate_heap_grew_on_demand()
    {
        // The user heap: `mode` governs user memory (the kernel heap is always backed at once).
        Run("mode immediate");
        string first = Run("alloc 1M --user");
        Run("mode demand");
        string second = "";
        try
        {
            second = Run("alloc 2M --user");
            string line = Run("vmmap").Split('\n').Single(l => l.Contains("[user heap]", StringComparison.Ordinal));
            Assert.That(line, Does.Match(@"\[user heap\]  (.* )?immediate [0-9a-f]{16}-(?<a>[0-9a-f]{16}) \+ demand "
                + @"\k<a>-[0-9a-f]{16}( \+ (immediate|demand) [0-9a-f]{16}-[0-9a-f]{16})*, "
                + @"\d+/\d+ pages resident, user$"));
            string kernel = Run("vmmap").Split('\n').Single(l => l.Contains("[kernel heap]", StringComparison.Ordinal));
            Assert.That(kernel, Does.Match(@"\[kernel heap\]  immediate, \d+/\d+ pages resident$"), "always backed");
        }
        finally
        {
            Run("mode immediate");
            foreach (string r in new[] { first, second })
                if (r.StartsWith("allocated", StringComparison.Ordinal)) Run($"free {r.Split(' ')[4]} --user");
        }
    }

    [Test]
    public void Trace_rejects_other_words()
        => Assert.That(Run("trace maybe"), Does.StartWith("trace: 'maybe' is neither on nor off"));
}
