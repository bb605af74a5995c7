using MemOS.Memory;
using MemOS.Memory.Heap;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Heap;

/// <summary>
/// Carving a block out of a free block of the bins checks the block after it first: a sound neighbour lets the
/// free block be reused wherever the block before it lies, an overwritten neighbour header is reported and the
/// request fails without taking the free block, and such a failure (not a shortage) leaves the medium cache alone.
/// </summary>
[TestFixture]
public sealed unsafe class MediumCarveChecksTests : ArenaHeapFixture
{
    public MediumCarveChecksTests() : base(new HeapOptions { CommitBlocks = true }, identity: true) { }

    [Test]
    public void A_free_block_after_a_larger_live_one_is_reused_in_place()
    {
        Alloc(100_000); // a large block in front, much larger than the freed one
        var b = Alloc(40_000); // large: freed into the bins, not the cache
        Alloc(3000); // fence
        Assert.That(Heap.Free(b), Is.EqualTo(MemoryError.None));
        Assert.That(Heap.CachedBytes, Is.Zero);
        Assert.That(Alloc(40_000), Is.EqualTo(b), "the free block, reused");
        Assert.That(Heap.CorruptionsDetected, Is.Zero);
        Assert.That(Heap.Check(), Is.EqualTo(MemoryError.None));
    }

    [Test]
    public void A_free_block_whose_neighbour_header_was_overwritten_is_not_taken_and_the_cache_stays()
    {
        var b = Alloc(40_000);
        var fence = Alloc(3000);
        var kept = Alloc(5000);
        Alloc(3000); // fence
        Assert.That(Heap.Free(kept), Is.EqualTo(MemoryError.None));
        ulong cached = Heap.CachedBytes;
        Assert.That(cached, Is.EqualTo(5024UL));
        Assert.That(Heap.Free(b), Is.EqualTo(MemoryError.None));
        *(ulong*)(fence.Value - 16) ^= 0x1000; // another size in the neighbour's header: its seal no longer matches
        var r = Heap.Allocate(40_000);
        Assert.That(r.Ok, Is.False, "the free block is not carved");
        Assert.That(r.Error, Is.EqualTo(MemoryError.HeapCorrupted));
        Assert.That(Heap.CorruptionsDetected, Is.EqualTo(1UL));
        Assert.That(Heap.CachedBytes, Is.EqualTo(cached), "not a shortage: the cache is not flushed");
    }
}
