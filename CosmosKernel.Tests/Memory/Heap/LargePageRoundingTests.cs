using MemOS.Memory;
using MemOS.Memory.Heap;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Heap;

/// <summary>
/// A large request at the default alignment takes whole pages, header included, and its block starts on a page even
/// when the top is not on one; a request whose header and payload are exactly whole pages takes no page more.
/// </summary>
[TestFixture]
public sealed class LargePageRoundingTests
{
    [Test]
    public void A_large_block_after_a_medium_one_starts_on_a_page_and_takes_exactly_its_pages()
    {
        using var arena = new TestArena(16UL << 20);
        var heap = TestHeaps.Over(arena, new HeapOptions { NoBlockCache = true });
        heap.Alloc(3000); // the top is now mid-page
        VirtualAddress a = heap.Alloc(12 * 4096 - 16);
        Assert.That((a.Value - 16) % 4096, Is.Zero, "the block starts on a page");
        Assert.That(heap.SizeOf(a).Value, Is.EqualTo(12UL * 4096 - 16), "exactly twelve pages");
        Assert.That(heap.Top.Value - (a.Value - 16), Is.EqualTo(12UL * 4096));
        Assert.That(heap.Check(), Is.EqualTo(MemoryError.None));
    }
}
