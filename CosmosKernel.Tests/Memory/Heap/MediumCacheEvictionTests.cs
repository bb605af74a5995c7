using MemOS.Memory;
using MemOS.Memory.Heap;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Heap;

/// <summary>
/// What the medium cache keeps when it is full or its lists are damaged, and how realloc takes a cached neighbour
/// back: the byte bound is inclusive, the smallest cached block size is cached, a full list whose walk meets a
/// forged link is reported and the freed block goes to the bins instead (nothing is lost from the statistics), and
/// a cached neighbour anywhere on its list (of any cached bin) can be grown into in place.
/// </summary>
[TestFixture]
public sealed unsafe class MediumCacheEvictionTests
{
    private TestArena _arena = null!;
    private HeapCore<HeapMemory> _heap = null!;

    private void Use(TestArena arena)
    {
        _arena = arena;
        _heap = TestHeaps.Over(_arena, new HeapOptions { CommitBlocks = true });
    }

    [TearDown]
    public void TearDown() => _arena.Dispose();

    private VirtualAddress Alloc(ulong size) => _heap.Alloc(size);

    private void AssertConserved()
    {
        var s = _heap.Statistics();
        Assert.That(s.UsedBytes + s.FreeBytes + s.OverheadBytes, Is.EqualTo(s.HeapSize), "conservation");
    }

    [Test]
    public void Blocks_that_fill_the_byte_bound_exactly_are_all_kept()
    {
        Use(new TestArena(16UL << 20)); // read through the arena: every free takes the general path
        var blocks = new VirtualAddress[4];
        for (int i = 0; i < blocks.Length; i++)
        {
            blocks[i] = Alloc(32 * 1024 - 16); // a 32 KiB block: four make the 128 KiB bound
            Alloc(3000); // fence
        }
        foreach (var b in blocks) Assert.That(_heap.Free(b), Is.EqualTo(MemoryError.None));
        Assert.That(_heap.CachedBytes, Is.EqualTo(128UL * 1024), "at the bound, not over it: nothing evicted");
        for (int i = blocks.Length - 1; i >= 0; i--) Assert.That(Alloc(32 * 1024 - 16), Is.EqualTo(blocks[i]));
        AssertConserved();
    }

    [Test]
    public void The_smallest_cacheable_block_is_cached()
    {
        Use(new TestArena(16UL << 20));
        // 2 KiB at a 1 KiB alignment is a medium block of exactly 2 KiB + header: the cache's smallest size.
        var r = _heap.Allocate(2048, 1024);
        Assert.That(r.Ok, Is.True);
        Alloc(3000); // fence
        Assert.That(_heap.SizeOf(r.Value).Value, Is.EqualTo(2048UL));
        Assert.That(_heap.Free(r.Value), Is.EqualTo(MemoryError.None));
        Assert.That(_heap.CachedBytes, Is.EqualTo(2048UL + 16));
        AssertConserved();
    }

    /// <summary>Eight 6000-byte blocks cached (the list full, newest first) and a ninth still live, all fenced
    /// by live 3000-byte blocks; returns the blocks, oldest first, and one fence.</summary>
    private (VirtualAddress[] Blocks, VirtualAddress Fence) FullList()
    {
        var blocks = new VirtualAddress[9];
        var fence = Alloc(3000);
        for (int i = 0; i < blocks.Length; i++)
        {
            blocks[i] = Alloc(6000);
            Alloc(3000);
        }
        for (int i = 0; i < 8; i++) Assert.That(_heap.Free(blocks[i]), Is.EqualTo(MemoryError.None));
        Assert.That(_heap.CachedBytes, Is.EqualTo(8 * 6016UL));
        return (blocks, fence);
    }

    [TestCase(7, TestName = "A_forged_link_in_a_full_list_stops_the_eviction_and_the_block_goes_to_the_bins(head)")]
    [TestCase(0, TestName = "A_forged_link_in_a_full_list_stops_the_eviction_and_the_block_goes_to_the_bins(oldest)")]
    public void A_forged_link_in_a_full_list_stops_the_eviction_and_the_block_goes_to_the_bins(int forged)
    {
        Use(TestArena.Identity(16UL << 20));
        var (blocks, fence) = FullList();
        // The forged block's link (its first payload word) now names a live block: the walk to the oldest meets it
        // (after the head), or the oldest, which ends the list, has a link.
        *(ulong*)blocks[forged].Value = fence.Value - 16;
        var before = _heap.Statistics();
        Assert.That(_heap.Free(blocks[8]), Is.EqualTo(MemoryError.None));
        Assert.That(_heap.CorruptionsDetected, Is.EqualTo(1UL), "the broken list is reported");
        Assert.That(_heap.CachedBytes, Is.EqualTo(8 * 6016UL), "not cached, and nothing evicted");
        var after = _heap.Statistics();
        Assert.That(after.FreeBytes, Is.EqualTo(before.FreeBytes + 6016), "freed into the bins");
        Assert.That(after.UsedBytes, Is.EqualTo(before.UsedBytes - 6000));
        AssertConserved();
    }

    [TestCase(false, 2100, TestName = "A_block_grows_in_place_into_a_cached_neighbour_below_its_list_head(bin 0)")]
    [TestCase(true, 2100, TestName = "A_block_grows_in_place_into_a_cached_neighbour_below_its_list_head(identity)")]
    [TestCase(false, 5000, TestName = "A_block_grows_in_place_into_a_cached_neighbour_below_its_list_head(5000)")]
    public void A_block_grows_in_place_into_a_cached_neighbour_below_its_list_head(bool identity, int neighbour)
    {
        Use(identity ? TestArena.Identity(16UL << 20) : new TestArena(16UL << 20));
        ulong size = (ulong)neighbour;
        var a = Alloc(3000);
        var b = Alloc(size); // a's neighbour
        Alloc(3000); // fence
        var c = Alloc(size); // the same list's later head
        Alloc(3000); // fence
        Assert.That(_heap.Free(b), Is.EqualTo(MemoryError.None));
        Assert.That(_heap.Free(c), Is.EqualTo(MemoryError.None));
        ulong block = (size + 15) / 16 * 16 + 16;
        Assert.That(_heap.CachedBytes, Is.EqualTo(2 * block));
        var r = _heap.Reallocate(a, 3000 + size);
        Assert.That(r.Ok, Is.True);
        Assert.That(r.Value, Is.EqualTo(a), "grown into the cached neighbour");
        Assert.That(_heap.ReallocationsInPlace, Is.EqualTo(1UL));
        Assert.That(_heap.CachedBytes, Is.EqualTo(block), "the other block stays cached");
        Assert.That(Alloc(size), Is.EqualTo(c));
        Assert.That(_heap.CorruptionsDetected, Is.Zero);
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.None));
        AssertConserved();
    }
}
