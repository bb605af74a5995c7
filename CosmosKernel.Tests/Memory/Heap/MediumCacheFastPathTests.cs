using System;
using MemOS.Memory;
using MemOS.Memory.Heap;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Heap;

/// <summary>
/// The medium cache's fast paths (Allocate's and Free's medium branches, HeapCore.MediumCache.cs) run only on a heap
/// that reads its words through raw pointers, as the kernel heap does: these tests use such a heap over an identity
/// arena, so what they free and allocate takes the pop and the push, and the checks that guard them.
/// </summary>
[TestFixture]
public sealed unsafe class MediumCacheFastPathTests
{
    private TestArena _arena = null!;
    private HeapCore<HeapMemory> _heap = null!;

    [SetUp]
    public void SetUp()
    {
        const ulong size = 16UL << 20;
        _arena = TestArena.Identity(size);
        _heap = TestHeaps.Over(_arena, new HeapOptions { CommitBlocks = true });
    }

    [TearDown]
    public void TearDown() => _arena.Dispose();

    private VirtualAddress Alloc(ulong size) => _heap.Alloc(size);

    [Test]
    public void A_freed_block_comes_back_to_the_next_request_of_its_list_and_the_statistics_add_up()
    {
        Alloc(100); // a slab first, so the medium blocks follow one (the free path's slab-window case)
        var a = Alloc(4096);
        var fence = Alloc(4096);
        var before = _heap.Statistics();
        Assert.That(_heap.Free(a), Is.EqualTo(MemoryError.None));
        Assert.That(_heap.CachedBytes, Is.EqualTo(4096UL + 16));
        Assert.That(_heap.Statistics().UsedBytes, Is.EqualTo(before.UsedBytes - 4096));
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.None));
        Assert.That(Alloc(4090), Is.EqualTo(a), "same list (4 per power of two), fits: the cached block");
        Assert.That(_heap.CachedBytes, Is.Zero);
        Assert.That(_heap.SizeOf(a).Value, Is.EqualTo(4096UL));
        Assert.That(_heap.Statistics().UsedBytes, Is.EqualTo(before.UsedBytes));
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.None));
        Assert.That(_heap.Free(fence), Is.EqualTo(MemoryError.None));
    }

    [Test]
    public void A_second_free_of_a_cached_block_is_a_double_free_and_changes_nothing()
    {
        var a = Alloc(3000);
        Alloc(3000);
        Assert.That(_heap.Free(a), Is.EqualTo(MemoryError.None));
        ulong cached = _heap.CachedBytes;
        Assert.That(_heap.Free(a), Is.EqualTo(MemoryError.DoubleFree));
        Assert.That(_heap.Free(new VirtualAddress(a.Value + 16)), Is.EqualTo(MemoryError.BadPointer));
        Assert.That(_heap.Free(new VirtualAddress(a.Value + 8)), Is.EqualTo(MemoryError.Misaligned));
        Assert.That(_heap.CachedBytes, Is.EqualTo(cached));
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.None));
    }

    [Test]
    public void A_pointer_past_the_top_or_before_the_base_is_refused_by_the_medium_branch()
    {
        Alloc(5000);
        Assert.That(_heap.Free(new VirtualAddress(_heap.Top.Value + 4096)), Is.EqualTo(MemoryError.BadPointer));
        Assert.That(_heap.Free(new VirtualAddress(_heap.Base.Value)), Is.EqualTo(MemoryError.BadPointer));
        Assert.That(_heap.Free(new VirtualAddress(_heap.Base.Value - 4096)), Is.EqualTo(MemoryError.BadPointer));
        // nothing is read at a pointer outside the heap (on the host, a read of the null page would throw)
        Assert.That(_heap.Free(new VirtualAddress(0x10)), Is.EqualTo(MemoryError.BadPointer));
        Assert.That(_heap.Free(new VirtualAddress(0x1000)), Is.EqualTo(MemoryError.BadPointer));
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.None));
    }

    [Test]
    public void A_forged_cache_link_is_not_followed_by_the_pop()
    {
        var a = Alloc(6000);
        var b = Alloc(6000);
        Alloc(6000); // fence
        _heap.Free(b);
        _heap.Free(a); // the list: a, then b
        *(ulong*)(a.Value) = 0x1234_5670; // a's link (its first payload word) now points outside the heap
        Assert.That(Alloc(6000), Is.EqualTo(a), "the head is still a sealed cached block");
        // The head is now the forged link: the pop refuses it, and the general path reports the broken list.
        var next = _heap.Allocate(6000);
        Assert.That(next.Ok, Is.True, "served from the bins or the top instead");
        Assert.That(next.Value, Is.Not.EqualTo(b));
        Assert.That(_heap.CorruptionsDetected, Is.EqualTo(1UL));
    }

    [Test]
    public void A_block_whose_header_was_overwritten_is_not_cached_and_is_reported()
    {
        var a = Alloc(8000);
        Alloc(8000);
        *(ulong*)(a.Value - 16) ^= 0x1000; // another size in its header: the seal no longer matches
        Assert.That(_heap.Free(a), Is.EqualTo(MemoryError.BadPointer));
        Assert.That(_heap.CachedBytes, Is.Zero);
    }

    [Test]
    public void Alloc_free_churn_of_every_cached_size_keeps_the_heap_consistent_and_gives_pages_back()
    {
        var random = new Random(13);
        var live = new VirtualAddress[64];
        for (int round = 0; round < 20_000; round++)
        {
            int i = random.Next(live.Length);
            if (live[i].Value != 0) Assert.That(_heap.Free(live[i]), Is.EqualTo(MemoryError.None));
            ulong size = (ulong)random.Next(2049, 32 * 1024);
            live[i] = Alloc(size);
            *(ulong*)live[i].Value = (ulong)round; // the caller writes its block (the cache link's word)
            Assert.That(_heap.SizeOf(live[i]).Value, Is.GreaterThanOrEqualTo(size));
            if (round % 2000 == 0) Assert.That(_heap.Check(), Is.EqualTo(MemoryError.None), $"round {round}");
        }
        foreach (var p in live)
            if (p.Value != 0) Assert.That(_heap.Free(p), Is.EqualTo(MemoryError.None));
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.None));
        _heap.Trim();
        Assert.That(_heap.CachedBytes, Is.Zero);
        Assert.That(_heap.Top, Is.EqualTo(_heap.Base), "everything merged back into the top");
        Assert.That(_arena.MappedPages, Is.Zero, "and its pages went back");
    }
}
