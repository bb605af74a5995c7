using System.Linq;
using MemOS.Memory;
using MemOS.Memory.Heap;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Heap;

/// <summary>
/// Pins that the block walk behind `heap blocks` lists a free block of the smallest size (48 B, the remainder of a
/// split) and carries on past it to the blocks after it.
/// </summary>
public sealed class InspectionSliverBlockTests
{
    [Test]
    public void A_smallest_free_block_is_listed_and_the_walk_goes_on_past_it()
    {
        using var arena = new TestArena(16UL << 20);
        var heap = TestHeaps.Over(arena, new HeapOptions { NoBlockCache = true });
        var a = heap.Alloc(4000);
        var after = heap.Alloc(4000);
        ulong usable = heap.SizeOf(a).Value;
        Assert.That(heap.Free(a), Is.EqualTo(MemoryError.None));

        var b = heap.Alloc(usable - 48); // leaves a 48-byte remainder of a's block
        Assert.That(b, Is.EqualTo(a), "precondition: the freed block is reused");

        var blocks = heap.Blocks();
        int sliver = blocks.FindIndex(x => x.Kind == HeapBlockKind.Free && x.Size == 48);
        Assert.That(sliver, Is.GreaterThanOrEqualTo(0), "the 48-byte free block is listed");
        Assert.That(blocks[sliver + 1].Address, Is.EqualTo(after));
        Assert.That(blocks[^1].Kind, Is.EqualTo(HeapBlockKind.Top));
        Assert.That(heap.Check(), Is.EqualTo(MemoryError.None));
    }
}
