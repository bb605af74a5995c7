using System.Linq;
using MemOS.Memory;
using MemOS.Memory.Heap;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Heap;

/// <summary>
/// How the heap's mapped end moves: it grows by the grow increment (not just the pages a block needs), not at all
/// for a block that ends exactly at End, Trim asks for no release when nothing trails the top, and pages released
/// and mapped again are committed again before a CommitBlocks heap carves into them.
/// </summary>
[TestFixture]
public sealed class GrowthEndTests
{
    private TestArena _arena = null!;

    [SetUp]
    public void SetUp() => _arena = new TestArena(16UL << 20);

    [TearDown]
    public void TearDown() => _arena.Dispose();

    private HeapCore<HeapMemory> Heap() => TestHeaps.Over(_arena, new HeapOptions { NoBlockCache = true });

    [Test]
    public void The_first_carve_maps_a_whole_grow_increment()
    {
        var heap = Heap();
        heap.Alloc(3000);
        Assert.That(heap.End.Value - _arena.Base, Is.EqualTo(HeapOptions.DefaultGrowIncrement));
        Assert.That(_arena.ExtendCalls, Is.EqualTo(1));
    }

    [Test]
    public void A_block_ending_exactly_at_End_maps_nothing_more()
    {
        var heap = Heap();
        heap.Alloc(8000); // block of 8,016 bytes
        heap.Alloc(8352); // block of 8,368 bytes: ends at 16 KiB
        Assert.That(heap.Top.Value - _arena.Base, Is.EqualTo(16384UL));
        Assert.That(heap.End.Value - _arena.Base, Is.EqualTo(16384UL));
        Assert.That(_arena.ExtendCalls, Is.EqualTo(1));
        Assert.That(heap.Check(), Is.EqualTo(MemoryError.None));
    }

    [Test]
    public void Trim_releases_nothing_when_the_top_is_at_End()
    {
        var heap = Heap();
        heap.Alloc(16368); // one block of exactly 16 KiB
        heap.Trim();
        Assert.That(_arena.ReleaseCalls, Is.Zero);
        Assert.That(heap.End.Value - _arena.Base, Is.EqualTo(16384UL));
        Assert.That(heap.Check(), Is.EqualTo(MemoryError.None));
    }

    [Test]
    public void Pages_released_by_Trim_are_committed_again_before_a_block_is_carved_into_them()
    {
        var backing = new CommitRecordingBacking(_arena);
        var heap = TestHeaps.Over(_arena, new HeapOptions { CommitBlocks = true, NoBlockCache = true }, backing);
        heap.Alloc(3000); // commits a grow increment ahead
        heap.Trim(); // gives back everything past the first page
        Assert.That(heap.End.Value - _arena.Base, Is.EqualTo(4096UL));
        backing.Clear();
        VirtualAddress b = heap.Alloc(3000); // [3,024, 6,048): crosses into a page mapped again
        ulong blockEnd = b.Value + 3008;
        Assert.That(backing.Commits.Any(c => c.Start <= _arena.Base + 4096 && c.Start + c.Length >= blockEnd),
            Is.True, "the block's new page is committed");
    }
}
