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
public sealed class InspectionReportTests : ArenaHeapFixture
{
    public InspectionReportTests() : base(new HeapOptions { NoBlockCache = true }) { }

    [Test]
    public void Largest_free_block_is_a_binned_block_when_it_beats_the_top()
    {
        var big = Heap.Alloc(30000);
        Heap.Alloc(3000); // keeps the freed block off the top
        Assert.That(Heap.Free(big), Is.EqualTo(MemoryError.None));

        var blocks = Heap.Blocks();
        ulong freeBlock = blocks.Where(b => b.Kind == HeapBlockKind.Free).Max(b => b.Size);
        ulong top = blocks.Where(b => b.Kind == HeapBlockKind.Top).Aggregate(0UL, (t, b) => t + b.Size);
        Assert.That(freeBlock, Is.GreaterThan(top), "precondition: the binned block is the largest");

        Assert.That(Heap.Statistics().LargestFreeBlock, Is.EqualTo(freeBlock));
        Assert.That(Heap.Check(), Is.EqualTo(MemoryError.None));
    }

    [Test]
    public void Total_frees_are_allocations_minus_live_ones()
    {
        var a = Heap.Alloc(2000);
        Heap.Alloc(3000);
        Heap.Alloc(40);
        Assert.That(Heap.Free(a), Is.EqualTo(MemoryError.None));

        var s = Heap.Statistics();
        Assert.That(s.TotalAllocations, Is.EqualTo(3UL));
        Assert.That(s.LiveAllocations, Is.EqualTo(2UL));
        Assert.That(s.TotalFrees, Is.EqualTo(1UL));
    }

    [Test]
    public void Blocks_list_small_objects_and_medium_payloads_at_their_addresses()
    {
        var small = new[] { Heap.Alloc(48), Heap.Alloc(48), Heap.Alloc(48) };
        var medium = Heap.Alloc(3000);

        var blocks = Heap.Blocks();
        var smalls = blocks.Where(b => b.Kind == HeapBlockKind.Small).Select(b => b.Address.Value).OrderBy(v => v);
        Assert.That(smalls, Is.EqualTo(small.Select(a => a.Value).OrderBy(v => v)));
        var mediums = blocks.Where(b => b.Kind == HeapBlockKind.Medium).ToList();
        Assert.That(mediums.Select(b => b.Address.Value), Is.EqualTo(new[] { medium.Value }));
        Assert.That(mediums[0].Size, Is.EqualTo(Heap.SizeOf(medium).Value));
    }

    [Test]
    public void Blocks_end_with_the_top_sized_to_the_mapped_end()
    {
        Heap.Alloc(3000);
        var s = Heap.Statistics();
        var blocks = Heap.Blocks();
        var last = blocks[^1];
        Assert.That(last.Kind, Is.EqualTo(HeapBlockKind.Top));
        ulong tiled = blocks.Take(blocks.Count - 1).Where(b => b.Kind != HeapBlockKind.Small)
            .Aggregate(0UL, (t, b) => t + (b.Kind == HeapBlockKind.Medium ? b.Size + 16 : b.Size));
        Assert.That(last.Address.Value, Is.EqualTo(Arena.Base + tiled));
        Assert.That(last.Size, Is.EqualTo(Arena.Base + s.HeapSize - last.Address.Value));
        Assert.That(last.Size, Is.GreaterThan(0UL));
    }
}
