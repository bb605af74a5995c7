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
public sealed class MediumFreeDecommitTests : ArenaHeapFixture
{
    public MediumFreeDecommitTests() : base(new HeapOptions()) { }

    [Test]
    public void A_freed_block_of_exactly_the_threshold_gives_its_inner_pages_back_at_once()
    {
        const ulong threshold = HeapCore<HeapMemory>.DecommitAtOnce;
        var a = Heap.Alloc(threshold - 16); // a large block of exactly 64 KiB, header included
        Heap.Alloc(3000); // fence: a stays in the bins when freed
        Assert.That(Heap.Free(a), Is.EqualTo(MemoryError.None));
        Assert.That(Heap.DecommittedPages, Is.GreaterThan(0UL), "its inner pages went back");
        Assert.That(Arena.DecommittedPages, Is.GreaterThan(0));
        Assert.That(Heap.Check(), Is.EqualTo(MemoryError.None));
    }

    [Test]
    public void A_freed_block_below_the_threshold_keeps_its_pages()
    {
        var a = Heap.Alloc(HeapCore<HeapMemory>.DecommitAtOnce - 4096 - 16); // 60 KiB, header included
        Heap.Alloc(3000); // fence
        Assert.That(Heap.Free(a), Is.EqualTo(MemoryError.None));
        Assert.That(Heap.DecommittedPages, Is.Zero);
        Assert.That(Arena.DecommittedPages, Is.Zero);
        Assert.That(Heap.Check(), Is.EqualTo(MemoryError.None));
    }
}
