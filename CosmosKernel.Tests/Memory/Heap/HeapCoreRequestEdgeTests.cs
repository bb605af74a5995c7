using MemOS.Memory;
using MemOS.Memory.Heap;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Heap;

/// <summary>
/// Pins the general path's answers at the edges of a request: an aligned small request is served from the class of
/// its size rounded up to the alignment; the largest alignment (1 GiB) is a valid argument (only beyond it is one
/// refused); and SizeOf a freed medium block is NotAllocated whether it sits in a bin or in the medium cache.
/// </summary>
public sealed class HeapCoreRequestEdgeTests
{
    private TestArena _arena = null!;

    [TearDown]
    public void TearDown() => _arena.Dispose();

    private HeapCore<HeapMemory> Make(bool noBlockCache = false)
    {
        _arena = new TestArena(16UL << 20);
        return TestHeaps.Over(_arena, new HeapOptions { NoBlockCache = noBlockCache });
    }

    [TestCase(32UL, 32UL, 32UL)]
    [TestCase(40UL, 32UL, 64UL)]
    public void An_aligned_small_request_takes_the_class_of_its_rounded_size(ulong size, ulong align, ulong slot)
    {
        var heap = Make();
        var r = heap.Allocate(size, align);
        Assert.That(r.Ok, Is.True);
        Assert.That(r.Value.Value % align, Is.EqualTo(0UL));
        Assert.That(heap.SizeOf(r.Value).Value, Is.EqualTo(slot));
        Assert.That(heap.Statistics().SmallObjectsPerClass[SizeClasses.IndexOf(slot)], Is.EqualTo(1UL));
    }

    [Test]
    public void The_largest_alignment_is_a_valid_argument_and_the_next_is_not()
    {
        var heap = Make();
        Assert.That(heap.Allocate(64, 1UL << 30).Error, Is.Not.EqualTo(MemoryError.InvalidArgument));
        Assert.That(heap.Allocate(64, 1UL << 31).Error, Is.EqualTo(MemoryError.InvalidArgument));
    }

    [TestCase(true)]
    [TestCase(false)]
    public void A_freed_medium_block_has_no_size(bool noBlockCache)
    {
        var heap = Make(noBlockCache);
        var a = heap.Alloc(4000);
        heap.Alloc(4000); // keeps a off the top
        Assert.That(heap.Free(a), Is.EqualTo(MemoryError.None));
        Assert.That(heap.SizeOf(a).Error, Is.EqualTo(MemoryError.NotAllocated));
    }
}
