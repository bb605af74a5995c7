using System.Linq;
using MemOS.Memory;
using MemOS.Memory.Heap;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Heap;

/// <summary>
/// Pins what the heap reports about itself: Statistics() names the largest free block even when it sits in a bin
/// rather than at the top, counts frees as allocations minus live ones, and Blocks() lists each live object at its
/// own payload address and the untouched top with its size. `heap stats` and `heap blocks` print exactly these.
/// </summary>
public sealed class InspectionReportTests
{
    private TestArena _arena = null!;
    private HeapCore<HeapMemory> _heap = null!;

    [SetUp]
    public void SetUp()
    {
        _arena = new TestArena(16UL << 20);
        _heap = TestHeaps.Over(_arena, new HeapOptions { NoBlockCache = true });
    }

    [TearDown]
    public void TearDown() => _arena.Dispose();

    [Test]
    public void Largest_free_block_is_a_binned_block_when_it_beats_the_top()
    {
        var big = _heap.Alloc(30000);
        _heap.Alloc(3000); // keeps the freed block off the top
        Assert.That(_heap.Free(big), Is.EqualTo(MemoryError.None));

        var blocks = _heap.Blocks();
        ulong freeBlock = blocks.Where(b => b.Kind == HeapBlockKind.Free).Max(b => b.Size);
        ulong top = blocks.Where(b => b.Kind == HeapBlockKind.Top).Aggregate(0UL, (t, b) => t + b.Size);
        Assert.That(freeBlock, Is.GreaterThan(top), "precondition: the binned block is the largest");

        Assert.That(_heap.Statistics().LargestFreeBlock, Is.EqualTo(freeBlock));
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.None));
    }

    [Test]
    public void Total_frees_are_allocations_minus_live_ones()
    {
        var a = _heap.Alloc(2000);
        _heap.Alloc(3000);
        _heap.Alloc(40);
        Assert.That(_heap.Free(a), Is.EqualTo(MemoryError.None));

        var s = _heap.Statistics();
        Assert.That(s.TotalAllocations, Is.EqualTo(3UL));
        Assert.That(s.LiveAllocations, Is.EqualTo(2UL));
        Assert.That(s.TotalFrees, Is.EqualTo(1UL));
    }

    [Test]
    public void Blocks_list_small_objects_and_medium_payloads_at_their_addresses()
    {
        var small = new[] { _heap.Alloc(48), _heap.Alloc(48), _heap.Alloc(48) };
        var medium = _heap.Alloc(3000);

        var blocks = _heap.Blocks();
        var smalls = blocks.Where(b => b.Kind == HeapBlockKind.Small).Select(b => b.Address.Value).OrderBy(v => v);
        Assert.That(smalls, Is.EqualTo(small.Select(a => a.Value).OrderBy(v => v)));
        var mediums = blocks.Where(b => b.Kind == HeapBlockKind.Medium).ToList();
        Assert.That(mediums.Select(b => b.Address.Value), Is.EqualTo(new[] { medium.Value }));
        Assert.That(mediums[0].Size, Is.EqualTo(_heap.SizeOf(medium).Value));
    }

    [Test]
    public void Blocks_end_with_the_top_sized_to_the_mapped_end()
    {
        _heap.Alloc(3000);
        var s = _heap.Statistics();
        var blocks = _heap.Blocks();
        var last = blocks[^1];
        Assert.That(last.Kind, Is.EqualTo(HeapBlockKind.Top));
        ulong tiled = blocks.Take(blocks.Count - 1).Where(b => b.Kind != HeapBlockKind.Small)
            .Aggregate(0UL, (t, b) => t + (b.Kind == HeapBlockKind.Medium ? b.Size + 16 : b.Size));
        Assert.That(last.Address.Value, Is.EqualTo(_arena.Base + tiled));
        Assert.That(last.Size, Is.EqualTo(_arena.Base + s.HeapSize - last.Address.Value));
        Assert.That(last.Size, Is.GreaterThan(0UL));
    }
}
