using MemOS.Memory;
using MemOS.Memory.Heap;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Heap;

/// <summary>
/// Where a medium request lands among free blocks: an exact fit leaves the block after it with no stale
/// "previous is free" flag, a sparse heap takes its lowest fit whatever the order of the bin's list, and a request
/// that fails while the medium cache holds blocks flushes it and tries again.
/// </summary>
[TestFixture]
public sealed class FreeBlockPlacementTests
{
    private TestArena _arena = null!;
    private HeapCore<HeapMemory> _heap = null!;

    private void Make(ulong size, bool cache)
    {
        _arena = new TestArena(size);
        _heap = TestHeaps.Over(_arena, new HeapOptions { NoBlockCache = !cache, GrowIncrement = 4096 });
    }

    [TearDown]
    public void TearDown() => _arena.Dispose();

    private VirtualAddress Alloc(ulong size) => _heap.Alloc(size);

    [Test]
    public void An_exact_fit_takes_the_whole_free_block_and_the_next_header_says_so()
    {
        Make(16UL << 20, cache: false);
        VirtualAddress a = Alloc(3000), c = Alloc(3000);
        Assert.That(_heap.Free(a), Is.EqualTo(MemoryError.None));
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.None));
        Assert.That(Alloc(3000), Is.EqualTo(a));
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.None), "c's header no longer says its neighbour is free");
        Assert.That(_heap.Free(c), Is.EqualTo(MemoryError.None));
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.None));
    }

    [TestCase(true)]
    [TestCase(false)]
    public void A_sparse_heap_takes_the_lowest_fit_whatever_the_lists_order(bool lowFreedFirst)
    {
        Make(16UL << 20, cache: false);
        // medium fences (a small one would share one slab block, and high would end at the top)
        VirtualAddress low = Alloc(10000);
        Alloc(3000);
        VirtualAddress high = Alloc(10000);
        Alloc(3000);
        Assert.That(_heap.Free(lowFreedFirst ? low : high), Is.EqualTo(MemoryError.None));
        Assert.That(_heap.Free(lowFreedFirst ? high : low), Is.EqualTo(MemoryError.None));
        var s = _heap.Statistics();
        Assert.That(s.FreeBytes - (_heap.End.Value - _heap.Top.Value),
            Is.GreaterThan((_heap.Top.Value - _heap.Base.Value) / 2),
            "more than half the heap is in free blocks: sparse");
        Assert.That(Alloc(9000), Is.EqualTo(low));
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.None));
    }

    [Test]
    public void A_request_that_fails_while_the_cache_holds_blocks_flushes_it_and_succeeds()
    {
        Make(256UL << 10, cache: true);
        var cached = new VirtualAddress[4];
        for (int i = 0; i < cached.Length; i++) cached[i] = Alloc(20 * 1024);
        while (_heap.Allocate(3000).Ok) { }
        foreach (VirtualAddress a in cached) Assert.That(_heap.Free(a), Is.EqualTo(MemoryError.None));
        Assert.That(_heap.CachedBytes, Is.GreaterThan(80UL * 1024), "the four blocks wait in the cache, unmerged");
        var r = _heap.Allocate(60 * 1024);
        Assert.That(r.Ok, Is.True, "the cache's adjacent blocks merge into room for it: " + r.Error);
        Assert.That(_heap.CachedBytes, Is.Zero);
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.None));
    }
}
