using System.Collections.Generic;
using System.Linq;
using MemOS.Memory;
using MemOS.Memory.Heap;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Heap;

/// <summary>
/// Pins how many emptied slabs a class keeps: exactly one (the first to empty); every later one goes back to the
/// heap, on both kinds of heap (the raw-pointer one frees small objects on its fast path, which must hand an
/// emptying free to the slow path that makes this choice).
/// </summary>
[TestFixture(true)]
[TestFixture(false)]
public sealed class SlabEmptyRetentionTests : HeapKindFixture
{
    public SlabEmptyRetentionTests(bool direct) : base(direct) { }

    private int Slabs() => Heap.Blocks().Count(b => b.Kind == HeapBlockKind.Slab);

    [TestCase(2)]
    [TestCase(3)]
    public void Emptying_several_slabs_of_a_class_keeps_one(int slabs)
    {
        var objects = new List<VirtualAddress> { Alloc(256) };
        int capacity = 1;
        while (Slabs() == 1) { objects.Add(Alloc(256)); capacity++; }
        capacity--; // the last allocation opened the second slab
        while (objects.Count < slabs * capacity) objects.Add(Alloc(256));
        Assert.That(Slabs(), Is.EqualTo(slabs), "precondition: that many full slabs");

        foreach (var o in objects) Assert.That(Heap.Free(o), Is.EqualTo(MemoryError.None));

        Assert.That(Slabs(), Is.EqualTo(1));
        Assert.That(Heap.Statistics().SmallObjectsPerClass.All(n => n == 0), Is.True);
        Assert.That(Heap.Check(), Is.EqualTo(MemoryError.None));
    }
}
