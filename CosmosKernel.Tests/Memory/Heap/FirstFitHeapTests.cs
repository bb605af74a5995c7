using System.Collections.Generic;
using MemOS.Memory;
using MemOS.Memory.Heap;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Heap;

public class FirstFitHeapTests
{
    [Test]
    public void Allocates_in_address_order_and_coalesces_both_neighbours()
    {
        using var arena = new TestArena(1 << 20);
        var heap = new FirstFitHeap(arena, arena, TestArena.KernelBase, 1 << 20);
        var a = heap.Allocate(5).Value; var b = heap.Allocate(10).Value; var c = heap.Allocate(100).Value;
        Assert.That(a.Value, Is.LessThan(b.Value));
        Assert.That(b.Value, Is.LessThan(c.Value));
        Assert.That(arena.TouchedPages, Is.EqualTo(1));
        var d = heap.Allocate(200).Value;
        Assert.That(heap.Free(a), Is.EqualTo(MemoryError.None));
        Assert.That(heap.Free(c), Is.EqualTo(MemoryError.None));
        Assert.That(heap.Free(b), Is.EqualTo(MemoryError.None)); // merges a, b and c
        Assert.That(heap.Check(), Is.EqualTo(MemoryError.None));
        Assert.That(heap.Allocate(5 + 10 + 100 + 16).Value, Is.EqualTo(a), "one hole again");
        Assert.That(heap.Free(d), Is.EqualTo(MemoryError.None));
    }

    [Test]
    public void Bad_frees_and_bad_sizes_are_reported()
    {
        using var arena = new TestArena(64 * 1024);
        var heap = new FirstFitHeap(arena, arena, TestArena.KernelBase, 64 * 1024);
        var a = heap.Allocate(64).Value;
        Assert.Multiple(() =>
        {
            Assert.That(heap.Allocate(0).Error, Is.EqualTo(MemoryError.InvalidArgument));
            Assert.That(heap.Allocate(1 << 20).Error, Is.EqualTo(MemoryError.OutOfMemory));
            Assert.That(heap.Free(a + 8), Is.EqualTo(MemoryError.Misaligned));
            Assert.That(heap.Free(a + 16), Is.EqualTo(MemoryError.BadPointer));
            Assert.That(heap.Free(new VirtualAddress(16)), Is.EqualTo(MemoryError.BadPointer));
        });
        Assert.That(heap.Free(a), Is.EqualTo(MemoryError.None));
        Assert.That(heap.Free(a), Is.EqualTo(MemoryError.DoubleFree).Or.EqualTo(MemoryError.BadPointer));
        Assert.That(heap.Check(), Is.EqualTo(MemoryError.None));
    }

    [Test]
    public void Fills_up_then_recovers()
    {
        using var arena = new TestArena(64 * 1024);
        var heap = new FirstFitHeap(arena, arena, TestArena.KernelBase, 64 * 1024);
        var blocks = new List<VirtualAddress>();
        Result<VirtualAddress> r;
        while ((r = heap.Allocate(1000)).Ok) blocks.Add(r.Value);
        Assert.That(r.Error, Is.EqualTo(MemoryError.OutOfMemory));
        Assert.That(heap.Free(blocks[10]), Is.EqualTo(MemoryError.None));
        Assert.That(heap.Allocate(1000).Value, Is.EqualTo(blocks[10]));
        Assert.That(heap.Check(), Is.EqualTo(MemoryError.None));
    }
}
