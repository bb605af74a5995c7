using MemOS.Memory;
using MemOS.Memory.Heap;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Heap;

/// <summary>
/// realloc's in-place paths, each checked by where the block ends up and by the heap's own check: a request of the
/// block's own size, growth into the free block after it (the rest stays a free block), a damaged header past that
/// neighbour (no growth into it), and a small object whose neighbour's bytes look like a block header.
/// </summary>
[TestFixture]
public sealed class ReallocInPlaceTests
{
    private TestArena _arena = null!;
    private HeapCore<HeapMemory> _heap = null!;

    [SetUp]
    public void SetUp()
    {
        const ulong size = 16UL << 20;
        _arena = new TestArena(size);
        // No medium cache: a freed neighbour goes straight to the bins, where growth in place finds it.
        _heap = TestHeaps.Over(_arena, new HeapOptions { NoBlockCache = true });
    }

    [TearDown]
    public void TearDown() => _arena.Dispose();

    private VirtualAddress Alloc(ulong size) => _heap.Alloc(size);

    private void Fill(VirtualAddress a, ulong bytes, ulong seed)
    {
        for (ulong i = 0; i < bytes; i += 8) _arena.Write64(a + i, seed ^ i);
    }

    private void AssertFilled(VirtualAddress a, ulong bytes, ulong seed)
    {
        for (ulong i = 0; i < bytes; i += 8) Assert.That(_arena.Read64(a + i), Is.EqualTo(seed ^ i), $"+{i}");
    }

    [TestCase(48UL)]
    [TestCase(3000UL)]
    [TestCase(40000UL)]
    public void A_request_of_the_blocks_own_size_keeps_it_and_counts_in_place(ulong size)
    {
        VirtualAddress a = Alloc(size);
        ulong usable = _heap.SizeOf(a).Value;
        var r = _heap.Reallocate(a, usable);
        Assert.That(r.Ok && r.Value == a, Is.True, $"{r.Error}");
        Assert.That((_heap.ReallocationsInPlace, _heap.ReallocationsMoved), Is.EqualTo((1UL, 0UL)));
        Assert.That(_heap.SizeOf(a).Value, Is.EqualTo(usable));
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.None));
    }

    [Test]
    public void Growing_into_the_free_block_after_keeps_the_rest_a_free_block()
    {
        VirtualAddress a = Alloc(5000), b = Alloc(20000);
        Alloc(5000);
        Fill(a, 5000, 1);
        Assert.That(_heap.Free(b), Is.EqualTo(MemoryError.None));
        var before = _heap.Statistics();
        var r = _heap.Reallocate(a, 9000);
        Assert.That(r.Ok && r.Value == a, Is.True, "grown where it is");
        Assert.That((_heap.ReallocationsInPlace, _heap.ReallocationsMoved), Is.EqualTo((1UL, 0UL)));
        AssertFilled(a, 5000, 1);
        ulong usable = _heap.SizeOf(a).Value;
        Assert.That(usable, Is.InRange(9000UL, 9015UL));
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.None));
        var after = _heap.Statistics();
        Assert.That(after.UsedBytes - before.UsedBytes, Is.EqualTo(usable - 5008UL));
        // what b left over is one free block right after a, and the next request that fits it gets it
        Assert.That(Alloc(10000), Is.EqualTo(a + usable + 16));
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.None));
    }

    [Test]
    public void Growing_into_all_of_the_free_block_after_tells_the_next_block_its_neighbour_is_used()
    {
        VirtualAddress a = Alloc(5000), b = Alloc(3000), c = Alloc(5000);
        Fill(a, 5000, 4);
        Assert.That(_heap.Free(b), Is.EqualTo(MemoryError.None));
        // a's block (5,024 bytes) and b's (3,024) together are exactly a block for 8,032 bytes: no rest
        var r = _heap.Reallocate(a, 8032);
        Assert.That(r.Ok && r.Value == a, Is.True, "grown where it is");
        Assert.That(_heap.SizeOf(a).Value, Is.EqualTo(8032UL));
        AssertFilled(a, 5000, 4);
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.None), "c's header no longer says the block before is free");
        Assert.That(_heap.Free(c), Is.EqualTo(MemoryError.None));
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.None));
    }

    [Test]
    public void A_damaged_header_past_the_free_neighbour_stops_growth_in_place()
    {
        VirtualAddress a = Alloc(5000), b = Alloc(20000), c = Alloc(5000);
        Fill(a, 5000, 2);
        Assert.That(_heap.Free(b), Is.EqualTo(MemoryError.None));
        _arena.Write64(new VirtualAddress(c.Value - 16), 0x4141_4141_4141_4141UL); // c's size word
        ulong usable = _heap.SizeOf(a).Value;
        var r = _heap.Reallocate(a, 9000);
        Assert.That(r.Ok && r.Value == a, Is.False, "the free block is not merged next to a header that fails");
        Assert.That(_heap.ReallocationsInPlace, Is.Zero);
        if (r.Ok) AssertFilled(r.Value, 5000, 2); // moved elsewhere
        else
        {
            // the heap would carve b next to that header too: it says so, and a is left as it was
            Assert.That(r.Error, Is.EqualTo(MemoryError.HeapCorrupted));
            Assert.That(_heap.SizeOf(a).Value, Is.EqualTo(usable));
            AssertFilled(a, 5000, 2);
        }
    }

    [Test]
    public void A_small_object_after_bytes_that_look_like_a_header_moves_like_any_other()
    {
        VirtualAddress a = Alloc(48), b = Alloc(48);
        Assert.That(b.Value - a.Value, Is.EqualTo(48UL), "neighbours in one slab");
        for (ulong i = 0; i < 48; i += 8) _arena.Write64(a + i, ulong.MaxValue); // every flag of a header set
        Fill(b, 48, 3);
        var r = _heap.Reallocate(b, 200);
        Assert.That(r.Ok, Is.True, $"{r.Error}");
        Assert.That(r.Value, Is.Not.EqualTo(b));
        AssertFilled(r.Value, 48, 3);
        for (ulong i = 0; i < 48; i += 8) Assert.That(_arena.Read64(a + i), Is.EqualTo(ulong.MaxValue));
        Assert.That(_heap.Reallocate(a, 40).Value, Is.EqualTo(a), "a smaller request keeps its slot");
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.None));
    }
}
