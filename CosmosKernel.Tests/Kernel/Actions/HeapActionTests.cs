using System.Text.RegularExpressions;
using NUnit.Framework;

namespace MemOS.Tests.Kernel.Actions;

/// <summary>alloc, free, read and write on the real kernel heap and in a process's heap (heapd, --user).</summary>
[Category(KernelTestEnvironment.Category)]
public class HeapActionTests : ActionSession
{
    [Test]
    public void Alloc_prints_the_contract_line_for_both_heaps()
    {
        Assert.That(Run("alloc 64"),
            Does.Match(@"^allocated 64 B at 0xffffc[0-9a-f]+ in the kernel heap: "
                + @"\d+ new page\(s\) mapped, \d+ page fault\(s\)$"));
        Assert.That(Run("alloc 1K --user"),
            Does.Match(@"^allocated 1024 B at 0x1[0-9a-f]{7} in the user heap of pid \d+ \(heapd\): "
                + @"\d+ new page\(s\) mapped, \d+ page fault\(s\)(\n\(heapd started as pid \d+: .*\))?$"));
        ulong aligned = Alloc("100 --align 4K");
        Assert.That(aligned % 4096, Is.Zero, "--align 4K");
    }

    [Test]
    public void A_growing_alloc_counts_the_pages_it_mapped()
    {
        string output = Run("alloc 256K");
        Match m = Regex.Match(output, @"in the kernel heap: (\d+) new page\(s\) mapped");
        Assert.That(m.Success, Is.True, output);
        Assert.That(int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture),
            Is.GreaterThan(0),
            "256 KiB cannot fit without growing: " + output);
    }

    [Test]
    public void Free_gives_the_block_back_with_its_size()
    {
        ulong a = Alloc("200");
        Assert.That(Run("free " + Hex(a)), Does.Match($"^freed {Hex(a)} \\((2\\d\\d) B\\)$"));
        ulong u = Alloc("300 --user");
        Assert.That(Run($"free {Hex(u)} --user"), Does.Match($"^freed {Hex(u)} \\(\\d+ B\\) in pid \\d+ \\(heapd\\)"));
    }

    [Test]
    public void A_double_free_is_an_error_line_and_changes_nothing()
    {
        ulong a = Alloc("64");
        Run("free " + Hex(a));
        Assert.That(Run("free " + Hex(a)), Is.EqualTo($"free: {Hex(a)}: not an allocated block (DoubleFree)"));
        ulong u = Alloc("2K --user");
        Run($"free {Hex(u)} --user");
        Assert.That(Run($"free {Hex(u)} --user"),
            Does.Match($"^free: {Hex(u)}: not an allocated block \\((DoubleFree|BadPointer|NotAllocated)\\)$"));
        Assert.That(Run("free 0x12345"), Is.EqualTo("free: 0x12345: not an allocated block (Misaligned)"));
        AssertAlive();
    }

    [Test]
    public void The_kernels_own_blocks_are_not_freed_from_the_shell()
    {
        // The first block of the kernel heap holds a managed object from boot.
        string output = Run("free 0xffffc00000000010");
        Assert.That(output, Does.StartWith("free: 0xffffc00000000010: not an allocated block ("));
        AssertAlive();
    }

    [Test]
    public void Bad_arguments_get_one_line()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Run("alloc 0"),
                Does.StartWith("alloc: SIZE must be 1 B..1 GiB").And.Contain("usage: alloc SIZE"));
            Assert.That(Run("alloc 2G"), Does.StartWith("alloc: SIZE must be 1 B..1 GiB"));
            Assert.That(Run("alloc 99999999999999999999999"), Does.StartWith("alloc: SIZE must be"));
            Assert.That(Run("alloc 8 --align 24"), Does.StartWith("alloc: --align must be a power of two"));
            Assert.That(Run("alloc 8 --align 2M"), Does.StartWith("alloc: --align must be a power of two"));
            Assert.That(Run("alloc"), Does.StartWith("alloc: missing arguments"));
            Assert.That(Run("free"), Does.StartWith("free: missing arguments"));
            Assert.That(Run("free xyz"), Does.StartWith("free: 'xyz' is not an address"));
            Assert.That(Run("read 0x1000 0"), Does.StartWith("read: N must be 1..4096"));
            Assert.That(Run("read 0x1000 5000"), Does.StartWith("read: N must be 1..4096"));
            Assert.That(Run("write 0x1000 256"), Does.StartWith("write: VALUE must be 0..255"));
            Assert.That(Run("write 0x1004 0x1122334455"),
                Is.EqualTo("write: 0x1004: a u64 write needs an 8-aligned address"));
        });
        AssertAlive();
    }

    [Test]
    public void Write_then_read_round_trips_through_an_allocated_block()
    {
        ulong a = Alloc("64");
        Assert.That(Run($"write {Hex(a)} 65"), Is.EqualTo($"wrote 0x41 (1 byte) at {Hex(a)}"));
        Assert.That(Run($"write {Hex(a + 8)} 0x1122334455667788"),
            Is.EqualTo($"wrote 0x1122334455667788 (8 bytes) at {Hex(a + 8)}"));
        string dump = Run($"read {Hex(a)} 32");
        string[] lines = dump.Split('\n');
        Assert.That(lines, Has.Length.EqualTo(2), dump);
        Assert.That(lines[0],
            Does.Match($"^{Hex(a)} +41 (?:[0-9a-f]{{2}} ){{7}}88 77 66 55 44 33 22 11 +\\|A.{{7}}\\..{{6}}\\.\\|$"),
            dump);
        Assert.That(lines[1], Does.StartWith(Hex(a + 16) + " "));
    }

    [Test]
    public void Read_stops_at_a_refused_page_and_write_reports_the_refusal()
    {
        Assert.That(Run("read 0xffffe00020000000"),
            Is.EqualTo("read: stopped at 0xffffe00020000000: refused: no region (no region)"));
        // 0xffffffff80101000 is the first page of kernel text
        // (the linker script puts it right after the 1 MiB boot stub).
        Assert.That(Run("write 0xffffffff80101000 1"),
            Is.EqualTo("write: 0xffffffff80101000: refused: write to read-only (no region)"));
        Assert.That(Run("write 0xffffc00000000010 1"),
            Does.StartWith("write: 0xffffc00000000010: not writable from the shell"));
        AssertAlive();
    }
}
