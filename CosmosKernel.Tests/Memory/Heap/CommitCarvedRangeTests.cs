using System.Collections.Generic;
using MemOS.Memory;
using MemOS.Memory.Heap;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Heap;

/// <summary>
/// What a heap without CommitBlocks asks its backing to commit when it carves a block, and to decommit when a free
/// block's inner pages go back: exactly the words the heap itself writes (a gap's header, links and footer, the
/// block's header and last word, a free tail's header) and exactly the whole pages inside a free block past its links
/// and before its footer. A wrong range either leaves a heap word on a page that may be gone or backs pages nobody
/// wrote.
/// </summary>
[TestFixture]
public sealed class CommitCarvedRangeTests
{
    private TestArena _arena = null!;
    private CommitRecordingBacking _backing = null!;
    private HeapCore<HeapMemory> _heap = null!;
    private ulong _base;

    [SetUp]
    public void SetUp()
    {
        _arena = new TestArena(16UL << 20);
        _backing = new CommitRecordingBacking(_arena);
        _base = _arena.Base;
        _heap = TestHeaps.Over(_arena, new HeapOptions { NoBlockCache = true }, _backing);
    }

    [TearDown]
    public void TearDown() => _arena.Dispose();

    private VirtualAddress Alloc(ulong size) => _heap.Alloc(size);

    [Test]
    public void A_block_carved_from_the_top_commits_its_header_and_last_word()
    {
        VirtualAddress a = Alloc(3000); // block of 3,024 bytes at the base
        Assert.That(a.Value, Is.EqualTo(_base + 16));
        Assert.That(_backing.Commits, Is.EqualTo(new List<(ulong, ulong)> { (_base, 48), (_base + 3008, 16) }));
    }

    [Test]
    public void An_aligned_block_from_the_top_commits_the_gaps_header_and_footer_then_its_own_words()
    {
        var r = _heap.Allocate(3000, 4096);
        Assert.That(r.Ok, Is.True);
        ulong x = r.Value.Value - 16;
        Assert.That(x, Is.EqualTo(_base + 4080), "the payload starts on a page, the gap before is free");
        Assert.That(_backing.Commits, Is.EqualTo(new List<(ulong, ulong)>
        {
            (_base, 32), // the gap's header and links
            (x - 8, 56), // the gap's footer and the block's first 48 bytes
            (x + 3008, 16), // the block's last word
        }));
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.None));
    }

    [Test]
    public void An_aligned_block_from_a_free_block_commits_the_front_gaps_footer_and_the_tails_header()
    {
        VirtualAddress a = Alloc(10000); // block of 10,016 bytes at the base
        Alloc(3000);
        Assert.That(_heap.Free(a), Is.EqualTo(MemoryError.None));
        _backing.Clear();
        var r = _heap.Allocate(3000, 4096);
        Assert.That(r.Ok, Is.True);
        ulong x = r.Value.Value - 16;
        Assert.That(x, Is.EqualTo(_base + 4080), "carved from the free block, after a free front gap");
        Assert.That(_backing.Commits, Is.EqualTo(new List<(ulong, ulong)>
        {
            (x - 8, 8), // the gap's footer: its header and links are where they were
            (x - 8, 56), // that footer and the block's first 48 bytes
            (x + 3008, 48), // the block's last word and the free tail's header and links
        }));
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.None));
    }

    [Test]
    public void Freeing_a_large_block_gives_back_the_whole_pages_between_its_links_and_its_footer()
    {
        VirtualAddress a = Alloc(100000); // 25 pages at the base
        Alloc(3000);
        Assert.That(a.Value, Is.EqualTo(_base + 16));
        Assert.That(_heap.Free(a), Is.EqualTo(MemoryError.None));
        Assert.That(_backing.Decommits, Is.EqualTo(new List<(ulong, ulong)> { (_base + 4096, 23 * 4096) }));
        Assert.That(_heap.DecommittedPages, Is.EqualTo(23UL));
        Assert.That(_arena.DecommittedPages, Is.EqualTo(23));
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.None));
    }

    [Test]
    public void Trim_gives_back_the_inner_pages_of_every_free_block_and_skips_one_with_none()
    {
        Alloc(3000); // [0, 3024)
        VirtualAddress b = Alloc(3000); // [3024, 6048): crosses a page boundary but holds no whole page inside
        Alloc(3000); // [6048, 9072)
        VirtualAddress e = Alloc(20000); // [9072, 29088): too small to be given back at once
        Alloc(3000);
        Assert.That(_heap.Free(b), Is.EqualTo(MemoryError.None));
        Assert.That(_heap.Free(e), Is.EqualTo(MemoryError.None));
        Assert.That(_backing.Decommits, Is.Empty, "below the at-once size: left for Trim");
        _heap.Trim();
        Assert.That(_backing.Decommits, Is.EqualTo(new List<(ulong, ulong)> { (_base + 12288, 4 * 4096) }));
        Assert.That(_heap.DecommittedPages, Is.EqualTo(4UL));
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.None));
    }
}
