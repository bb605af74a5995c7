using MemOS.Memory;
using MemOS.Memory.Heap;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Heap;

/// <summary>
/// A freed block that stays in the bins gives its inner pages back at once from DecommitAtOnce (64 KiB) up,
/// exactly at the threshold included, and a smaller one keeps them until a trim: the hysteresis the heap chapter
/// describes, seen in the decommit count and the backing's decommitted pages.
/// </summary>
[TestFixture]
public sealed class MediumFreeDecommitTests
{
    private TestArena _arena = null!;
    private HeapCore<HeapMemory> _heap = null!;

    [SetUp]
    public void SetUp()
    {
        _arena = new TestArena(16UL << 20);
        _heap = TestHeaps.Over(_arena, new HeapOptions());
    }

    [TearDown]
    public void TearDown() => _arena.Dispose();

    [Test]
    public void A_freed_block_of_exactly_the_threshold_gives_its_inner_pages_back_at_once()
    {
        const ulong threshold = HeapCore<HeapMemory>.DecommitAtOnce;
        var a = _heap.Alloc(threshold - 16); // a large block of exactly 64 KiB, header included
        _heap.Alloc(3000); // fence: a stays in the bins when freed
        Assert.That(_heap.Free(a), Is.EqualTo(MemoryError.None));
        Assert.That(_heap.DecommittedPages, Is.GreaterThan(0UL), "its inner pages went back");
        Assert.That(_arena.DecommittedPages, Is.GreaterThan(0));
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.None));
    }

    [Test]
    public void A_freed_block_below_the_threshold_keeps_its_pages()
    {
        var a = _heap.Alloc(HeapCore<HeapMemory>.DecommitAtOnce - 4096 - 16); // 60 KiB, header included
        _heap.Alloc(3000); // fence
        Assert.That(_heap.Free(a), Is.EqualTo(MemoryError.None));
        Assert.That(_heap.DecommittedPages, Is.Zero);
        Assert.That(_arena.DecommittedPages, Is.Zero);
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.None));
    }
}
