using System.Collections.Generic;
using MemOS.Memory;
using MemOS.Memory.Heap;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Heap;

/// <summary>
/// A class's partial slabs: the lowest goes first on the list (allocation refills it, so higher slabs drain and go
/// back), and giving the empty ones back walks lists of several slabs without calling a healthy link damaged. Run on
/// the raw-pointer heap (the fast paths) and on one read through IHeapWords.
/// </summary>
[TestFixture(true)]
[TestFixture(false)]
public sealed class PartialSlabOrderTests : HeapKindFixture
{
    public PartialSlabOrderTests(bool direct) : base(direct) { }

    private List<VirtualAddress> Objects(int n)
    {
        var objects = new List<VirtualAddress>();
        for (int i = 0; i < n; i++) objects.Add(Alloc(64));
        return objects;
    }

    [Test]
    public void A_freed_object_of_a_lower_slab_is_taken_before_one_of_a_higher_slab()
    {
        List<VirtualAddress> objects = Objects(300); // several full slabs
        VirtualAddress low = objects[0], high = objects[^1];
        Assert.That(Heap.Free(high), Is.EqualTo(MemoryError.None));
        Assert.That(Heap.Free(low), Is.EqualTo(MemoryError.None));
        Assert.That(Heap.Allocate(64).Value, Is.EqualTo(low), "the lowest slab's free object first");
        Assert.That(Heap.Allocate(64).Value, Is.EqualTo(high));
        Assert.That(Heap.Check(), Is.EqualTo(MemoryError.None));
    }

    [Test]
    public void Trimming_walks_lists_of_several_partial_slabs_and_reports_nothing()
    {
        List<VirtualAddress> objects = Objects(300);
        for (int i = 0; i < objects.Count; i += 2) Assert.That(Heap.Free(objects[i]), Is.EqualTo(MemoryError.None));
        var live = Heap.Statistics().LiveAllocations;
        Heap.Trim();
        Assert.That(Heap.CorruptionsDetected, Is.Zero);
        Assert.That(Heap.Statistics().LiveAllocations, Is.EqualTo(live));
        Assert.That(Heap.Check(), Is.EqualTo(MemoryError.None));
        // every object freed: the slabs are empty, and trimming gives every one of them back
        for (int i = 1; i < objects.Count; i += 2) Assert.That(Heap.Free(objects[i]), Is.EqualTo(MemoryError.None));
        Heap.Trim();
        Assert.That(Heap.CorruptionsDetected, Is.Zero);
        Assert.That(Heap.Top, Is.EqualTo(Heap.Base), "no slab left");
        Assert.That(Heap.Check(), Is.EqualTo(MemoryError.None));
    }
}
