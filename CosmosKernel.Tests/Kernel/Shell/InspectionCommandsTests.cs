using System;
using System.Linq;
using System.Text.RegularExpressions;
using NUnit.Framework;

namespace MemOS.Tests.Kernel.Shell;

/// <summary>
/// The shell's memory inspection commands on the real MMU: meminfo, pmm, heap, mode, vmmap, pagewalk, faults,
/// selftest. One QEMU boot for the whole class; tests leave the backing mode at immediate.
/// </summary>
[Category(KernelTestEnvironment.Category)]
[NonParallelizable]
public class InspectionCommandsTests
{
    private ShellSession? _shell;

    private ShellSession Sh => _shell ?? throw new InvalidOperationException("no shell session (OneTimeSetUp failed)");

    [OneTimeSetUp]
    public void Boot()
    {
        KernelTestEnvironment.RequireQemu();
        _shell = ShellSession.Start(new BootOptions { Memory = "128M" });
    }

    [OneTimeTearDown]
    public void Shutdown() => _shell?.Dispose();

    /// <summary>Runs a command; output without ANSI colour sequences, split into lines.</summary>
    private string[] Lines(string command)
    {
        string output = Regex.Replace(Sh.Run(command), "\x1b\\[[0-9;]*m", "");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
    }

    private string Log => SerialLogText.Block(Sh.SerialLog, "");

    [TestCase("meminfo")]
    [TestCase("pmm")]
    [TestCase("pmm map")]
    [TestCase("pmm map 16")]
    [TestCase("heap")]
    [TestCase("heap --user")]
    [TestCase("heap blocks")]
    [TestCase("heap blocks 3 --user")]
    [TestCase("heap check")]
    [TestCase("mode")]
    [TestCase("vmmap")]
    [TestCase("pagewalk 0xffffc00000000000")]
    [TestCase("faults")]
    [TestCase("faults 64")]
    [TestCase("selftest")]
    [TestCase("help pmm")]
    public void Every_command_answers(string command)
    {
        string[] lines = Lines(command);
        Assert.That(lines, Is.Not.Empty, Log);
        Assert.That(lines[0], Does.Not.StartWith("unknown command"), Log);
    }

    [TestCase("meminfo now", "meminfo")]
    [TestCase("pmm bogus", "pmm")]
    [TestCase("pmm --fast", "pmm")]
    [TestCase("pmm map 3", "pmm")]
    [TestCase("pmm map 65", "pmm")]
    [TestCase("pmm map 32 1", "pmm")]
    [TestCase("pmm alloc 0", "pmm")]
    [TestCase("pmm alloc 1025", "pmm")]
    [TestCase("pmm alloc -1", "pmm")]
    [TestCase("pmm alloc 99999999999999999999999", "pmm")]
    [TestCase("pmm free", "pmm")]
    [TestCase("pmm free xyz", "pmm")]
    [TestCase("pmm free 0x1000 0x2000", "pmm")]
    [TestCase("heap bogus", "heap")]
    [TestCase("heap --kernel", "heap")]
    [TestCase("heap blocks 0", "heap")]
    [TestCase("heap blocks 100000", "heap")]
    [TestCase("heap check now", "heap")]
    [TestCase("mode fast", "mode")]
    [TestCase("mode demand immediate", "mode")]
    [TestCase("vmmap all", "vmmap")]
    [TestCase("pagewalk", "pagewalk")]
    [TestCase("pagewalk zz", "pagewalk")]
    [TestCase("pagewalk 0x1 0x2", "pagewalk")]
    [TestCase("pagewalk 0x0000800000000000", "pagewalk")]
    [TestCase("pagewalk 0xffff7fffffffffff", "pagewalk")]
    [TestCase("faults 0", "faults")]
    [TestCase("faults 65", "faults")]
    [TestCase("faults x", "faults")]
    [TestCase("selftest please", "selftest")]
    public void Bad_arguments_get_one_line(string command, string name)
    {
        string[] lines = Lines(command);
        Assert.That(lines, Has.Length.EqualTo(1), Log);
        Assert.That(lines[0], Does.StartWith(name + ": "), Log);
    }

    [Test]
    public void Meminfo_follows_the_contract()
    {
        string[] lines = Lines("meminfo");
        Assert.That(lines.Single(l => l.StartsWith("physical:")),
            Does.Match(@"free \d+ frames").And.Match(@"used \d+ frames").And.Match(@"reserved \d+ frames"),
            Log);
        Assert.That(lines.Single(l => l.StartsWith("kernel heap:")), Does.Match(@"used \d+ B"), Log);
        Assert.That(lines, Has.None.StartWith("user heap:"), "user heaps live in processes: heap --user");
        Assert.That(lines.Single(l => l.StartsWith("faults:")), Does.Match(FaultsLine), Log);
        Assert.That(lines.Single(l => l.StartsWith("page tables:")), Does.Match(@"^page tables: [1-9]\d* frames"), Log);
        Assert.That(lines.Single(l => l.StartsWith("zero page:")),
            Does.Match(@"^zero page: 0x[0-9a-f]+, \d+ sharers$"),
            Log);
        Assert.That(lines, Has.Some.Match(@"^backing: (immediate|demand)"), Log);
        Assert.That(lines, Has.Some.EqualTo("managed new -> kernel heap"), Log);
    }

    private const string FaultsLine =
        @"^faults: \d+ total, \d+ zero-page, \d+ demand-zero, \d+ copy-on-write, \d+ violations$";

    [Test]
    public void Faults_starts_with_the_counters()
    {
        string[] lines = Lines("faults");
        Assert.That(lines[0], Does.Match(FaultsLine), Log);
        foreach (string line in lines.Skip(1))
            Assert.That(line, Does.Match(@"^#\d+ pid \d+ cr2=0x[0-9a-f]+ .+ rip=0x[0-9a-f]+ .*-> .+$"), Log);
    }

    [Test]
    public void Pagewalk_of_kernel_text_shows_four_levels_and_a_translation()
    {
        string text = Lines("vmmap").Single(l => l.Contains("[kernel text]"));
        string address = "0x" + text[..16];
        string[] lines = Lines("pagewalk " + address);
        string[] levels = lines.Skip(1).Take(4).Select(l => l.TrimStart().Split(' ')[0]).ToArray();
        Assert.That(levels, Is.EqualTo(new[] { "PML4", "PDPT", "PD", "PT" }), Log);
        Assert.That(lines.Last(),
            Does.Match(@"^  translated: 0x[0-9a-f]+ -> 0x[0-9a-f]+ "
                + @"\(4 KiB page; effective read-only, supervisor, executable\)$"),
            Log);
    }

    [Test]
    public void Pagewalk_of_null_stops_not_present()
    {
        string[] lines = Lines("pagewalk 0x0");
        Assert.That(lines.Last(), Does.StartWith("  stopped at PML4: not present"), Log);
        Assert.That(lines, Has.None.Contains("translated"), Log);
    }

    [Test]
    public void Pagewalk_of_a_non_canonical_address_is_one_error_line()
    {
        string[] lines = Lines("pagewalk 0x800000000000");
        Assert.That(lines,
            Is.EqualTo(new[] { "pagewalk: 0x800000000000: non-canonical address (bits 63..47 must all equal bit 47)" }),
            Log);
    }

    [Test]
    public void Vmmap_lists_the_kernel_heap_region()
    {
        string[] lines = Lines("vmmap");
        Assert.That(lines,
            Has.Some.Match(@"^ffffc00000000000-[0-9a-f]{16} rw-p 00000000 00:00 0  \[kernel heap\]  (immediate|demand)"
                + @"( [0-9a-f]{16}-[0-9a-f]{16}( \+ (immediate|demand) [0-9a-f]{16}-[0-9a-f]{16})+)?"
                + @", \d+/\d+ pages resident$"),
            Log);
        Assert.That(lines,
            Has.Some.Match(@"^ffff800000000000-[0-9a-f]{16} rw-p 00000000 00:00 0  \[direct map\]"),
            Log);
        Assert.That(lines,
            Has.Some.Match(@"^ffffffff8[0-9a-f]{7}-ffffffff8[0-9a-f]{7} ---p 00000000 00:00 0  \[stack guard\]"),
            Log);
    }

    [Test]
    public void Selftest_reports_no_failures()
    {
        string[] lines = Lines("selftest");
        // the user heap check is heapd's own, skipped when no heapd runs (`heap --user` starts one)
        Assert.That(lines.Last(), Does.Match(@"^selftest: \d+ passed, 0 failed, [01] skipped$"), Log);
        Assert.That(lines.Take(lines.Length - 1)
                .Where(l => !l.StartsWith("SKIP user heap check (no heapd", StringComparison.Ordinal)),
            Has.All.StartWith("PASS "), Log);
        Assert.That(lines, Has.Some.EqualTo("PASS stack guard page unmapped"), Log);
    }

    [Test]
    public void Selftest_passes_in_demand_mode_while_the_heap_grows()
    {
        try
        {
            Sh.Run("mode demand");
            Sh.Run("heap blocks 4096"); // grows the kernel heap (backed at once: `mode` governs user memory)
            Assert.That(Lines("selftest").Last(), Does.Match(@"^selftest: \d+ passed, 0 failed, [01] skipped$"), Log);
            Assert.That(Lines("faults")[0], Does.Match(FaultsLine), Log);
        }
        finally
        {
            Sh.Run("mode immediate");
        }
    }

    [Test]
    public void Heap_check_is_ok_for_the_kernel_heap_and_heapds()
    {
        Assert.That(Lines("heap check"), Is.EqualTo(new[] { "heap check: ok" }), Log);
        Assert.That(Lines("heap check --user")[0], Is.EqualTo("user heap check: ok"), Log);
    }

    [Test]
    public void Heap_blocks_caps_its_listing()
    {
        string[] lines = Lines("heap blocks 2");
        Assert.That(lines[0], Does.Match(@"^kernel heap: \d+ blocks$"), Log);
        Assert.That(lines.Skip(2).Take(2), Has.All.Match(@"^  0x[0-9a-f]+ +\d+ B  (used|free) +\w+$"), Log);
        Assert.That(lines.Last(), Does.Match(@"^  \.\.\. and \d+ more"), Log);
    }

    [Test]
    public void Mode_toggles()
    {
        try
        {
            // a running heapd adds a line: it keeps its own backing
            Assert.That(Lines("mode demand")[0], Is.EqualTo("backing: demand (new regions and heap growth)"), Log);
            Assert.That(Lines("mode"), Is.EqualTo(new[] { "backing: demand" }), Log);
            Assert.That(Lines("meminfo"), Has.Some.StartWith("backing: demand"), Log);
            Assert.That(Lines("mode immediate")[0],
                Is.EqualTo("backing: immediate (new regions and heap growth)"), Log);
            Assert.That(Lines("mode"), Is.EqualTo(new[] { "backing: immediate" }), Log);
        }
        finally
        {
            Sh.Run("mode immediate");
        }
    }

    [Test]
    public void Pmm_map_draws_a_grid_with_a_legend()
    {
        string[] lines = Lines("pmm map 32");
        Assert.That(lines[0], Does.Match(@"^pmm map: 0x0-0x[0-9a-f]+, \d+ rows x 32, one character = \d+ frames"), Log);
        Assert.That(lines[1],
            Does.StartWith("legend: . free  # used  R reserved  K kernel  P page table  H heap  Z zero page"),
            Log);
        string[] rows = lines.Skip(2).ToArray();
        Assert.That(rows, Has.Length.InRange(1, 16), Log);
        Assert.That(rows, Has.All.Match(@"^ *0x[0-9a-f]+ [.#RKPHZ ]{1,32}$"), Log);
        string grid = string.Concat(rows.Select(r => r[12..]));
        Assert.That(grid, Does.Contain("K").And.Contain("Z").And.Contain("."), Log);
    }

    /// <summary>
    /// Free frames, kernel-heap frames (its resident pages: `gc` and large frees give pages inside it back without
    /// shrinking it) and page-table frames from meminfo: the heap grows (managed `new`) while we look.
    /// </summary>
    private (long Free, long HeapBytes, long Tables) Snapshot()
    {
        string[] lines = Lines("meminfo");
        long free = long.Parse(Regex.Match(lines.Single(l => l.StartsWith("physical:")),
            @"free (\d+) frames").Groups[1].Value);
        long heap = 4096 * long.Parse(Regex.Match(lines.Single(l => l.StartsWith("kernel heap:")),
            @"(\d+) pages resident").Groups[1].Value);
        long tables = long.Parse(Regex.Match(lines.Single(l => l.StartsWith("page tables:")),
            @"page tables: (\d+) frames").Groups[1].Value);
        return (free, heap, tables);
    }

    [Test]
    public void Pmm_alloc_then_free_of_each_frame_restores_the_free_count()
    {
        Sh.Run("mode immediate");
        var before = Snapshot();
        string[] lines = Lines("pmm alloc 4");
        Assert.That(lines[0], Does.StartWith("pmm alloc: 4 frame(s), one contiguous run of order 2 at 0x"), Log);
        string[] frames = Regex.Matches(string.Join(" ", lines.Skip(1)), @"0x[0-9a-f]+").Select(m => m.Value).ToArray();
        Assert.That(frames, Has.Length.EqualTo(4), Log);
        foreach (string frame in frames)
            Assert.That(Lines("pmm free " + frame)[0], Does.StartWith("freed " + frame), Log);
        var after = Snapshot();
        // Every frame the heap or the page tables took meanwhile is accounted for; the 4 came back.
        long grown = (after.HeapBytes - before.HeapBytes) / 4096 + (after.Tables - before.Tables);
        Assert.That(after.Free + grown, Is.EqualTo(before.Free), Log);
    }

    /// <summary>The free count of the `pmm` summary line.</summary>
    private long PmmFree()
        => long.Parse(Regex.Match(Lines("pmm").Single(l => l.StartsWith("pmm: total")),
            @", free (\d+), used").Groups[1].Value);

    [Test]
    public void Pmm_alloc_8_takes_exactly_8_frames_in_meminfo_and_pmm()
    {
        Sh.Run("mode immediate");
        // The kernel heap commits pages while the shell works (managed `new`; `gc` gave its free inner pages back),
        // so each round accounts for them exactly: meminfo's free count drops by the 8 frames plus the pages the heap
        // and the page tables took meanwhile. A round where neither moved also checks pmm's own count, which must
        // then drop by exactly 8 and agree with meminfo's.
        Sh.Run("gc");
        bool pmmChecked = false;
        for (int round = 0; round < 6 && !pmmChecked; round++)
        {
            var before = Snapshot();
            long pmmBefore = PmmFree();
            string[] lines = Lines("pmm alloc 8");
            string[] frames = Regex.Matches(string.Join(" ", lines.Skip(1)), @"0x[0-9a-f]+")
                .Select(m => m.Value).ToArray();
            Assert.That(frames, Has.Length.EqualTo(8), Log);
            long pmmAfter = PmmFree();
            var after = Snapshot();
            foreach (string frame in frames) Lines("pmm free " + frame);
            long held = (after.HeapBytes - before.HeapBytes) / 4096 + (after.Tables - before.Tables);
            Assert.That(before.Free - after.Free, Is.EqualTo(8 + held), "meminfo's free frames\n" + Log);
            var back = Snapshot(); // the 8 came back; every frame the heap or the tables took meanwhile is counted
            long grown = (back.HeapBytes - before.HeapBytes) / 4096 + (back.Tables - before.Tables);
            Assert.That(back.Free + grown, Is.EqualTo(before.Free), "the 8 frames came back\n" + Log);
            if (held != 0) continue;
            Assert.That(pmmBefore - pmmAfter, Is.EqualTo(8), "pmm's free frames\n" + Log);
            Assert.That(pmmBefore, Is.EqualTo(before.Free), "meminfo and pmm disagree\n" + Log);
            pmmChecked = true;
        }
        TestContext.Out.WriteLine(pmmChecked ? "pmm checked in a still round" : "the heap committed pages every round");
    }

    [Test]
    public void Pmm_alloc_of_a_non_power_of_two_gives_single_frames()
    {
        string[] lines = Lines("pmm alloc 3");
        Assert.That(lines[0], Is.EqualTo("pmm alloc: 3 frame(s), one at a time"), Log);
        string[] frames = Regex.Matches(string.Join(" ", lines.Skip(1)), @"0x[0-9a-f]+").Select(m => m.Value).ToArray();
        Assert.That(frames, Has.Length.EqualTo(3), Log);
        foreach (string frame in frames)
            Assert.That(Lines("pmm free " + frame), Is.EqualTo(new[] { "freed " + frame }), Log);
    }

    [Test]
    public void Pmm_free_of_a_reserved_frame_is_refused()
    {
        Assert.That(Lines("pmm free 0x0"),
            Is.EqualTo(new[] { "pmm free: 0x0: reserved frame, never handed out (ReservedFrame)" }),
            Log);
    }

    [Test]
    public void Pmm_free_twice_is_a_double_free()
    {
        string frame = Regex.Match(Lines("pmm alloc 1")[1], @"0x[0-9a-f]+").Value;
        Assert.That(Lines("pmm free " + frame), Is.EqualTo(new[] { "freed " + frame }), Log);
        Assert.That(Lines("pmm free " + frame),
            Is.EqualTo(new[] { $"pmm free: {frame}: double free: the frame is already free (DoubleFree)" }),
            Log);
    }

    [Test]
    public void Pmm_free_of_bad_addresses_names_the_error()
    {
        Assert.That(Lines("pmm free 0x1001"),
            Is.EqualTo(new[] { "pmm free: 0x1001: misaligned: not the start of a 4 KiB frame (Misaligned)" }),
            Log);
        Assert.That(Lines("pmm free 0x100000000000"),
            Is.EqualTo(new[] { "pmm free: 0x100000000000: unknown frame: no RAM there (UnknownFrame)" }),
            Log);
        // the zero page belongs to the kernel: refused, not freed
        string zero = Regex.Match(Lines("meminfo").Single(l => l.StartsWith("zero page:")), @"0x[0-9a-f]+").Value;
        Assert.That(Lines("pmm free " + zero)[0], Does.EndWith("(Conflict)"), Log);
        Assert.That(Lines("selftest").Last(), Does.EndWith(" 0 failed, 0 skipped"), Log);
    }

    [Test]
    public void Pmm_statistics_list_every_order()
    {
        string[] lines = Lines("pmm");
        Assert.That(lines[0], Does.Match(@"^pmm: total \d+ frames"), Log);
        for (int order = 0; order <= 10; order++)
            Assert.That(lines, Has.Some.Match($@"^  order {order,2} \(.+\) +\d+ blocks +\d+ frames$"), Log);
        Assert.That(lines, Has.Some.Match(
            @"^frame cache: \d+ of 64 frames \(counted in order 0\), \d+ refills, \d+ drains, 16 frames each$"), Log);
        Assert.That(lines, Has.Some.Match(@"^fragmentation index: \d\.\d{3}"), Log);
        Assert.That(lines, Has.Some.Match(@"^metadata: \d+ B .*% of RAM$"), Log);
    }
}
