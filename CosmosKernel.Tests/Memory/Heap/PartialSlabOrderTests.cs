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
public sealed class PartialSlabOrderTests
{
    private readonly bool _direct;
    private TestArena _arena = null!;
    private HeapCore<HeapMemory> _heap = null!;

    public PartialSlabOrderTests(bool direct) => _direct = direct;

    [SetUp]
    public void SetUp()
    {
        const ulong size = 16UL << 20;
        _arena = _direct ? TestArena.Identity(size) : new TestArena(size);
        _heap = TestHeaps.Over(_arena, new HeapOptions { CommitBlocks = true });
    }

    [TearDown]
    public void TearDown() => _arena.Dispose();

    private List<VirtualAddress> Objects(int n)
    {
        var objects = new List<VirtualAddress>();
        for (int i = 0; i < n; i++)
        {
            var r = _heap.Allocate(64);
            Assert.That(r.Ok, Is.True);
            objects.Add(r.Value);
        }
        return objects;
    }

    [Test]
    public void A_freed_object_of_a_lower_slab_is_taken_before_one_of_a_higher_slab()
    {
        List<VirtualAddress> objects = Objects(300); // several full slabs
        VirtualAddress low = objects[0], high = objects[^1];
        Assert.That(_heap.Free(high), Is.EqualTo(MemoryError.None));
        Assert.That(_heap.Free(low), Is.EqualTo(MemoryError.None));
        Assert.That(_heap.Allocate(64).Value, Is.EqualTo(low), "the lowest slab's free object first");
        Assert.That(_heap.Allocate(64).Value, Is.EqualTo(high));
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.None));
    }

    [Test]
    public void Trimming_walks_lists_of_several_partial_slabs_and_reports_nothing()
    {
        List<VirtualAddress> objects = Objects(300);
        for (int i = 0; i < objects.Count; i += 2) Assert.That(_heap.Free(objects[i]), Is.EqualTo(MemoryError.None));
        var live = _heap.Statistics().LiveAllocations;
        _heap.Trim();
        Assert.That(_heap.CorruptionsDetected, Is.Zero);
        Assert.That(_heap.Statistics().LiveAllocations, Is.EqualTo(live));
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.None));
        // every object freed: the slabs are empty, and trimming gives every one of them back
        for (int i = 1; i < objects.Count; i += 2) Assert.That(_heap.Free(objects[i]), Is.EqualTo(MemoryError.None));
        _heap.Trim();
        Assert.That(_heap.CorruptionsDetected, Is.Zero);
        Assert.That(_heap.Top, Is.EqualTo(_heap.Base), "no slab left");
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.None));
    }
}
