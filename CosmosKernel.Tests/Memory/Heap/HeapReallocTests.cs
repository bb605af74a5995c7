using System;
using System.Collections.Generic;
using CsCheck;
using MemOS.Memory;
using MemOS.Memory.Heap;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Heap;

/// <summary>realloc (HeapCore.Realloc.cs): in place into the top or the free block after, shrinking gives the tail
/// back, moving keeps the bytes, failure keeps the old block; and random alloc/free/realloc against a model.</summary>
public class HeapReallocTests
{
    private static (TestArena Arena, KernelHeap Heap) Make(ulong size = 16 << 20, bool redZones = false)
    {
        var arena = new TestArena(size);
        return (arena, new KernelHeap(arena, arena, TestArena.KernelBase, size,
            new HeapOptions { GrowIncrement = 4096, RedZones = redZones }));
    }

    private static void Fill(TestArena arena, ulong a, ulong bytes, ulong seed)
    {
        for (ulong i = 0; i + 8 <= bytes; i += 8) arena.Write64(new VirtualAddress(a + i), seed ^ i);
    }

    private static void AssertFilled(TestArena arena, ulong a, ulong bytes, ulong seed)
    {
        for (ulong i = 0; i + 8 <= bytes; i += 8)
            Assert.That(arena.Read64(new VirtualAddress(a + i)), Is.EqualTo(seed ^ i), $"word at +{i}");
    }

    [Test]
    public void A_buffer_doubling_at_the_top_never_moves()
    {
        var (arena, heap) = Make();
        using var _ = arena;
        var p = heap.Allocate(32 * 1024).Value;
        Fill(arena, p.Value, 32 * 1024, 7);
        for (ulong size = 64 * 1024; size <= 2 << 20; size *= 2)
        {
            var r = heap.Reallocate(p, size);
            Assert.That(r.Ok, Is.True);
            Assert.That(r.Value, Is.EqualTo(p), $"grew to {size} in place");
            Assert.That(heap.SizeOf(p).Value, Is.GreaterThanOrEqualTo(size));
        }
        AssertFilled(arena, p.Value, 32 * 1024, 7);
        Assert.That(heap.ReallocationsMoved, Is.Zero);
        Assert.That(heap.Check(), Is.EqualTo(MemoryError.None));
    }

    [Test]
    public void Growing_takes_the_free_block_after_and_leaves_its_rest_free()
    {
        var (arena, heap) = Make();
        using var _ = arena;
        var a = heap.Allocate(4000).Value;
        var b = heap.Allocate(8000).Value;
        var c = heap.Allocate(4000).Value; // keeps b's space from merging into the top
        Fill(arena, a.Value, 4000, 1);
        Assert.That(heap.Free(b), Is.EqualTo(MemoryError.None));
        var r = heap.Reallocate(a, 6000);
        Assert.That(r.Value, Is.EqualTo(a), "in place");
        AssertFilled(arena, a.Value, 4000, 1);
        Assert.That(heap.Check(), Is.EqualTo(MemoryError.None));
        // the rest of b's space is still a free block: an allocation fits there, below c
        var d = heap.Allocate(4000).Value;
        Assert.That(d.Value, Is.GreaterThan(a.Value).And.LessThan(c.Value));
        Assert.That(heap.Check(), Is.EqualTo(MemoryError.None));
    }

    [Test]
    public void Shrinking_gives_the_tail_back_and_it_merges_with_what_follows()
    {
        var (arena, heap) = Make();
        using var _ = arena;
        var a = heap.Allocate(20000).Value;
        var b = heap.Allocate(20000).Value;
        Fill(arena, a.Value, 20000, 3);
        ulong freeBefore = heap.Statistics().FreeBytes;
        var r = heap.Reallocate(a, 4000);
        Assert.That(r.Value, Is.EqualTo(a));
        Assert.That(heap.Statistics().FreeBytes, Is.GreaterThanOrEqualTo(freeBefore + 15000));
        AssertFilled(arena, a.Value, 4000, 3);
        Assert.That(heap.Check(), Is.EqualTo(MemoryError.None));
        Assert.That(heap.Free(b), Is.EqualTo(MemoryError.None));
        Assert.That(heap.Free(a), Is.EqualTo(MemoryError.None));
        heap.Trim();
        Assert.That(heap.Top, Is.EqualTo(heap.Base), "everything merged back");
    }

    [Test]
    public void A_small_block_moves_when_it_outgrows_its_class_and_the_bytes_go_with_it()
    {
        var (arena, heap) = Make();
        using var _ = arena;
        var a = heap.Allocate(48).Value;
        Fill(arena, a.Value, 48, 9);
        Assert.That(heap.Reallocate(a, 40).Value, Is.EqualTo(a), "still fits its slot");
        var r = heap.Reallocate(a, 5000);
        Assert.That(r.Ok, Is.True);
        Assert.That(r.Value, Is.Not.EqualTo(a));
        AssertFilled(arena, r.Value.Value, 40, 9);
        Assert.That(heap.Free(a), Is.Not.EqualTo(MemoryError.None), "the old block was freed");
        Assert.That(heap.ReallocationsMoved, Is.EqualTo(1UL));
        Assert.That(heap.Check(), Is.EqualTo(MemoryError.None));
    }

    [Test]
    public void Bad_requests_are_refused_and_a_failed_grow_keeps_the_old_block()
    {
        var (arena, heap) = Make(size: 256 * 1024);
        using var _ = arena;
        Assert.That(heap.Reallocate(new VirtualAddress(0), 100).Ok, Is.True, "null allocates");
        var a = heap.Allocate(1000).Value;
        Fill(arena, a.Value, 1000, 5);
        Assert.That(heap.Reallocate(a, 0).Error, Is.EqualTo(MemoryError.InvalidArgument));
        Assert.That(heap.Reallocate(new VirtualAddress(a.Value + 16), 10).Ok, Is.False, "not a block");
        Assert.That(heap.Reallocate(a, 1UL << 40).Error, Is.EqualTo(MemoryError.OutOfMemory));
        Assert.That(heap.Reallocate(a, 300 * 1024).Error, Is.EqualTo(MemoryError.OutOfMemory));
        AssertFilled(arena, a.Value, 1000, 5);
        Assert.That(heap.Free(a), Is.EqualTo(MemoryError.None));
        Assert.That(heap.Reallocate(a, 10).Ok, Is.False, "a freed block cannot be resized");
        Assert.That(heap.Check(), Is.EqualTo(MemoryError.None));
    }

    [Test]
    public void Red_zones_stay_intact_across_reallocation()
    {
        var (arena, heap) = Make(redZones: true);
        using var _ = arena;
        var a = heap.Allocate(3000).Value;
        Fill(arena, a.Value, 3000, 11);
        var r = heap.Reallocate(a, 9000);
        AssertFilled(arena, r.Value.Value, 3000, 11);
        Assert.That(heap.Check(), Is.EqualTo(MemoryError.None));
    }

    private readonly record struct Op(int Kind, ulong Size, int Pick);

    private static readonly Gen<ulong> Size = Gen.Frequency(
        (5, Gen.ULong[1, 2048]), (3, Gen.ULong[2049, 32 * 1024]), (2, Gen.ULong[32 * 1024, 400 * 1024]));

    private static readonly Gen<Op> OpGen = Gen.Select(Gen.Int[0, 9], Size, Gen.Int[0, int.MaxValue],
        (k, s, p) => new Op(k < 4 ? 0 : k < 6 ? 1 : 2, s, p));

    [TestCase(64UL << 20)]
    [TestCase(1UL << 20)]
    public void Random_alloc_free_realloc_keep_contents_and_invariants(ulong heapSize)
    {
        OpGen.Array[1, 150].Sample(ops =>
        {
            var (arena, heap) = Make(heapSize);
            using var _ = arena;
            var live = new List<(ulong Address, ulong Size, ulong Seed)>();
            ulong seeds = 0;
            foreach (var op in ops)
            {
                if (op.Kind == 0 || live.Count == 0)
                {
                    var r = heap.Allocate(op.Size);
                    if (!r.Ok) { Assert.That(r.Error, Is.EqualTo(MemoryError.OutOfMemory)); continue; }
                    Fill(arena, r.Value.Value, op.Size, ++seeds);
                    live.Add((r.Value.Value, op.Size, seeds));
                }
                else if (op.Kind == 1)
                {
                    int i = op.Pick % live.Count;
                    AssertFilled(arena, live[i].Address, live[i].Size, live[i].Seed);
                    Assert.That(heap.Free(new VirtualAddress(live[i].Address)), Is.EqualTo(MemoryError.None));
                    live.RemoveAt(i);
                }
                else
                {
                    int i = op.Pick % live.Count;
                    var (a, size, seed) = live[i];
                    var r = heap.Reallocate(new VirtualAddress(a), op.Size);
                    if (!r.Ok)
                    {
                        Assert.That(r.Error, Is.EqualTo(MemoryError.OutOfMemory));
                        AssertFilled(arena, a, size, seed);
                        continue;
                    }
                    AssertFilled(arena, r.Value.Value, Math.Min(size, op.Size), seed);
                    Fill(arena, r.Value.Value, op.Size, ++seeds);
                    live[i] = (r.Value.Value, op.Size, seeds);
                }
                Assert.That(heap.Check(), Is.EqualTo(MemoryError.None));
                var s = heap.Statistics();
                Assert.That(s.UsedBytes + s.FreeBytes + s.OverheadBytes, Is.EqualTo(s.HeapSize), "conservation");
                Assert.That(s.LiveAllocations, Is.EqualTo((ulong)live.Count));
                // no two live blocks overlap
                var sorted = new List<(ulong Address, ulong Size, ulong Seed)>(live);
                sorted.Sort((x, y) => x.Address.CompareTo(y.Address));
                for (int k = 1; k < sorted.Count; k++)
                    Assert.That(sorted[k - 1].Address + sorted[k - 1].Size, Is.LessThanOrEqualTo(sorted[k].Address));
            }
            foreach (var (a, size, seed) in live)
            {
                AssertFilled(arena, a, size, seed);
                Assert.That(heap.Free(new VirtualAddress(a)), Is.EqualTo(MemoryError.None));
            }
            heap.Trim();
            Assert.That(heap.Top, Is.EqualTo(heap.Base), "the whole heap is free again");
            Assert.That(arena.MappedPages, Is.Zero, "every page given back");
        }, iter: 120, threads: 1);
    }
}
