using System.Collections.Generic;
using MemOS.Memory;
using MemOS.Memory.Heap;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Heap;

/// <summary>
/// realloc at the edges of its in-place paths: how much of a shrunk block's tail is given back, how much of a free
/// neighbour a grown block takes (a rest of exactly a minimum block stays free, less is absorbed, a large block only
/// takes whole pages), growth up to and past the heap's limit, growth the backing cannot extend or commit (the block
/// is left as it was), the absorbed neighbour's stale pointer, bytes in a slab that mimic a header, and the exact
/// range growth commits. Each result is checked by address, usable size and the heap's own Check().
/// </summary>
[TestFixture]
public sealed class ReallocEdgeTests
{
    private TestArena _arena = null!;
    private CommitRecordingBacking _backing = null!;
    private HeapCore<HeapMemory> _heap = null!;

    private void Make(ulong size, bool commitBlocks = false)
    {
        _arena = new TestArena(size);
        _backing = new CommitRecordingBacking(_arena);
        _heap = TestHeaps.Over(_arena, new HeapOptions { NoBlockCache = true, CommitBlocks = commitBlocks }, _backing);
    }

    [TearDown]
    public void TearDown() => _arena.Dispose();

    private VirtualAddress Alloc(ulong size) => _heap.Alloc(size);

    private void AssertInPlace(VirtualAddress a, ulong size, ulong usable)
    {
        var r = _heap.Reallocate(a, size);
        Assert.That(r.Ok, Is.True, $"{r.Error}");
        Assert.That(r.Value, Is.EqualTo(a), "in place");
        Assert.That(_heap.SizeOf(a).Value, Is.EqualTo(usable));
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.None));
    }

    private void AssertRefusedUnchanged(VirtualAddress a, ulong size, ulong usable)
    {
        var r = _heap.Reallocate(a, size);
        Assert.That(r.Ok, Is.False, "no room");
        Assert.That(r.Error, Is.EqualTo(MemoryError.OutOfMemory));
        Assert.That(_heap.SizeOf(a).Value, Is.EqualTo(usable), "the block is left as it was");
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.None));
    }

    [TestCase(4990UL, 5008UL)] // a 16-byte tail is no block: kept
    [TestCase(4960UL, 4960UL)] // a 48-byte tail is a minimum block: given back
    public void Shrinking_gives_the_tail_back_only_when_it_is_a_block(ulong size, ulong usable)
    {
        Make(16UL << 20);
        VirtualAddress a = Alloc(5000);
        Alloc(3000);
        AssertInPlace(a, size, usable);
    }

    [TestCase(50000UL, 53232UL)]
    [TestCase(49136UL, 49136UL)] // header + payload exactly 12 pages
    public void Shrinking_a_large_block_keeps_it_whole_pages(ulong size, ulong usable)
    {
        Make(16UL << 20);
        VirtualAddress a = Alloc(100000);
        Alloc(3000);
        AssertInPlace(a, size, usable);
    }

    [Test]
    public void A_same_size_request_for_the_block_at_the_top_asks_the_backing_for_nothing()
    {
        Make(16UL << 20);
        VirtualAddress a = Alloc(3000);
        _backing.Clear();
        AssertInPlace(a, 3008, 3008);
        Assert.That(_backing.Commits, Is.Empty);
    }

    [Test]
    public void A_block_grows_in_place_up_to_exactly_the_heaps_limit()
    {
        Make(1UL << 20);
        VirtualAddress a = Alloc(3000);
        AssertInPlace(a, (1UL << 20) - 16, (1UL << 20) - 16);
        Assert.That(_heap.Top.Value, Is.EqualTo(_arena.Base + (1UL << 20)));
    }

    [Test]
    public void Growth_past_the_heaps_limit_is_refused()
    {
        Make(1UL << 20);
        Alloc(3000);
        VirtualAddress a = Alloc(3000);
        ulong top = _heap.Top.Value;
        AssertRefusedUnchanged(a, (1UL << 20) - 16, 3008);
        Assert.That(_heap.Top.Value, Is.EqualTo(top));
    }

    [Test]
    public void Growth_at_the_top_the_backing_cannot_extend_is_refused()
    {
        Make(16UL << 20);
        VirtualAddress a = Alloc(3000);
        _arena.FailExtend = true;
        AssertRefusedUnchanged(a, 30000, 3008);
    }

    [Test]
    public void Growth_into_a_free_neighbour_the_backing_cannot_commit_is_refused()
    {
        Make(16UL << 20);
        VirtualAddress a = Alloc(5000), b = Alloc(100000); // b's block starts on a page: a free gap before it
        Alloc(4000); // bigger than that gap: placed after b
        Assert.That(_heap.Free(b), Is.EqualTo(MemoryError.None)); // merged with the gap before it; pages given back
        Assert.That(_heap.DecommittedPages, Is.GreaterThan(0UL));
        _arena.FailCommit = true;
        AssertRefusedUnchanged(a, 50000, 5008);
    }

    [TestCase(7984UL, 7984UL)] // leaves exactly a minimum block: it stays free
    [TestCase(8000UL, 8032UL)] // leaves 16 bytes: taken too
    public void Growing_into_a_free_neighbour_absorbs_a_rest_smaller_than_a_block(ulong size, ulong usable)
    {
        Make(16UL << 20);
        VirtualAddress a = Alloc(5000), b = Alloc(3000); // blocks of 5,024 and 3,024 bytes
        Alloc(5000);
        Assert.That(_heap.Free(b), Is.EqualTo(MemoryError.None));
        AssertInPlace(a, size, usable);
    }

    [Test]
    public void A_large_block_grows_into_a_free_neighbour_of_whole_pages()
    {
        Make(16UL << 20);
        VirtualAddress a = Alloc(40000), b = Alloc(40000); // ten pages each
        Alloc(3000);
        Assert.That(_heap.Free(b), Is.EqualTo(MemoryError.None));
        AssertInPlace(a, 81904, 81904);
    }

    [Test]
    public void A_large_block_does_not_grow_into_a_neighbour_that_would_leave_a_part_page()
    {
        Make(16UL << 20);
        VirtualAddress a = Alloc(40000), b = Alloc(4096); // b's block: a page and 16 bytes
        Alloc(3000);
        _arena.Write64(a, 0x1234);
        Assert.That(_heap.Free(b), Is.EqualTo(MemoryError.None));
        var r = _heap.Reallocate(a, 45040); // would leave 16 bytes of b
        Assert.That(r.Ok, Is.True, $"{r.Error}");
        Assert.That(r.Value, Is.Not.EqualTo(a), "moved");
        Assert.That(_arena.Read64(r.Value), Is.EqualTo(0x1234UL));
        Assert.That(_heap.SizeOf(r.Value).Value, Is.EqualTo(45040UL));
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.None));
    }

    [Test]
    public void The_absorbed_neighbours_old_pointer_is_no_block_any_more()
    {
        Make(16UL << 20);
        VirtualAddress a = Alloc(5000), b = Alloc(3000);
        Alloc(5000);
        Assert.That(_heap.Free(b), Is.EqualTo(MemoryError.None));
        AssertInPlace(a, 7000, 7008);
        Assert.That(_heap.SizeOf(b).Error, Is.EqualTo(MemoryError.BadPointer));
        Assert.That(_heap.Free(b), Is.EqualTo(MemoryError.DoubleFree));
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.None));
    }

    [Test]
    public void A_small_object_after_bytes_shaped_like_a_used_block_reaching_the_top_still_moves()
    {
        Make(16UL << 20);
        VirtualAddress a = Alloc(48), b = Alloc(48);
        Assert.That(b.Value - a.Value, Is.EqualTo(48UL), "neighbours in one slab");
        ulong x = b.Value - 16;
        _arena.Write64(new VirtualAddress(x), (_heap.Top.Value - x) | 1); // a used medium size word, unsealed
        var r = _heap.Reallocate(b, 200);
        Assert.That(r.Ok, Is.True, $"{r.Error}");
        Assert.That(r.Value, Is.Not.EqualTo(b), "a small object is never grown in place");
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.None));
    }

    [TestCase(false, 9008UL, 48UL)] // its new last word and the free rest's header and links
    [TestCase(true, 5024UL, 4032UL)] // with CommitBlocks: everything new, and the rest's header and links
    public void Growing_into_a_free_neighbour_commits_what_it_writes(bool commitBlocks, ulong from, ulong length)
    {
        Make(16UL << 20, commitBlocks);
        VirtualAddress a = Alloc(5000), b = Alloc(20000);
        Alloc(5000);
        Assert.That(_heap.Free(b), Is.EqualTo(MemoryError.None));
        _backing.Clear();
        AssertInPlace(a, 9000, 9008);
        ulong x = a.Value - 16;
        Assert.That(_backing.Commits, Is.EqualTo(new List<(ulong, ulong)> { (x + from, length) }));
    }
}
