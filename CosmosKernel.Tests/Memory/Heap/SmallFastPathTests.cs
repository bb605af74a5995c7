using System.Collections.Generic;
using MemOS.Memory;
using MemOS.Memory.Heap;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Heap;

/// <summary>
/// The small fast paths (inlined Allocate/Free, with AllocateLast and FreeIntoFull for a slab's last object and a
/// free into a full slab) on a heap with raw-pointer access, as in the kernel: only such a heap takes them. Bad and
/// repeated pointers must still be reported by name and change nothing.
/// </summary>
public unsafe class SmallFastPathTests
{
    private const ulong ArenaBytes = 16 << 20;
    private TestArena _arena = null!;
    private HeapCore<HeapMemory> _heap = null!;

    [SetUp]
    public void SetUp()
    {
        _arena = TestArena.Identity(ArenaBytes);
        _heap = TestHeaps.Over(_arena, new HeapOptions { CommitBlocks = true });
    }

    [TearDown]
    public void TearDown() => _arena.Dispose();

    private VirtualAddress Alloc(ulong size) => _heap.Alloc(size);

    /// <summary>A new slab of the 64 B class filled to its last object (31 objects), in allocation order.</summary>
    private List<VirtualAddress> FillSlab()
    {
        var objects = new List<VirtualAddress> { Alloc(64) };
        Assert.That(objects[0].Value % SizeClasses.Granule, Is.Zero, "a new slab's first object starts a granule");
        for (int i = 1; i < 31; i++) objects.Add(Alloc(64));
        for (int i = 1; i < 31; i++) Assert.That(objects[i].Value, Is.EqualTo(objects[0].Value + 64 * (ulong)i));
        return objects;
    }

    [Test]
    public void A_free_into_a_full_slab_and_its_last_object_come_back_the_same()
    {
        var objects = FillSlab(); // the 31st allocation took the slab's last object: the slab left the list
        var before = _heap.Statistics();
        Assert.That(_heap.Free(objects[7]), Is.EqualTo(MemoryError.None)); // full slab: it joins the list again
        Assert.That(_heap.Statistics().LiveAllocations, Is.EqualTo(before.LiveAllocations - 1));
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.None));
        Assert.That(Alloc(64), Is.EqualTo(objects[7]), "the slab's only free object");
        Assert.That(_heap.Statistics().LiveAllocations, Is.EqualTo(before.LiveAllocations));
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.None));
        foreach (var o in objects) Assert.That(_heap.Free(o), Is.EqualTo(MemoryError.None));
        Assert.That(_heap.Statistics().LiveAllocations, Is.Zero);
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.None));
    }

    [Test]
    public void Bad_and_repeated_frees_are_named_and_change_nothing()
    {
        var objects = FillSlab();
        var medium = Alloc(5000);
        Assert.That(_heap.Free(objects[3]), Is.EqualTo(MemoryError.None)); // the slab is partial now
        var stats = _heap.Statistics();
        ulong slab = objects[0].Value - 32;
        Assert.Multiple(() =>
        {
            Assert.That(_heap.Free(objects[3]), Is.EqualTo(MemoryError.DoubleFree), "free object of a partial slab");
            Assert.That(_heap.Free(objects[5] + 16), Is.EqualTo(MemoryError.BadPointer), "inside an object");
            Assert.That(_heap.Free(objects[5] + 8), Is.EqualTo(MemoryError.Misaligned));
            Assert.That(_heap.Free(new VirtualAddress(slab)), Is.EqualTo(MemoryError.BadPointer), "the slab header");
            Assert.That(_heap.Free(new VirtualAddress(objects[30].Value + 64)), Is.EqualTo(MemoryError.BadPointer),
                "past the slab's objects");
            Assert.That(_heap.Free(new VirtualAddress(_arena.Base + ArenaBytes - 4096)),
                Is.EqualTo(MemoryError.BadPointer), "above the top");
            Assert.That(_heap.Free(new VirtualAddress(_arena.Base - 4096)), Is.EqualTo(MemoryError.BadPointer),
                "below the heap");
            Assert.That(_heap.Free(medium + 32), Is.EqualTo(MemoryError.BadPointer), "inside a medium block");
        });
        Assert.That(_heap.Statistics().LiveAllocations, Is.EqualTo(stats.LiveAllocations));
        Assert.That(_heap.Statistics().TotalFrees, Is.EqualTo(stats.TotalFrees));
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.None));

        // Emptied: the slab is kept (the class's empty slab) or released; either way a repeat is a double free.
        foreach (var o in objects) if (o != objects[3]) Assert.That(_heap.Free(o), Is.EqualTo(MemoryError.None));
        Assert.That(_heap.Free(objects[0]), Is.EqualTo(MemoryError.DoubleFree).Or.EqualTo(MemoryError.BadPointer));
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.None));
    }

    [Test]
    public void A_smashed_slab_header_check_word_stops_the_free()
    {
        var objects = FillSlab();
        Assert.That(_heap.Free(objects[1]), Is.EqualTo(MemoryError.None));
        ulong* info = (ulong*)(objects[0].Value - 32); // the slab header's first word: info ^ address ^ key
        ulong* map = info + 1;
        ulong freeMap = *map;
        *info ^= 1UL << 40; // a stray write into the header
        Assert.That(_heap.Free(objects[2]), Is.EqualTo(MemoryError.BadPointer));
        Assert.That(*map, Is.EqualTo(freeMap), "the free map was not written");
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.HeapCorrupted));
        *info ^= 1UL << 40;
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.None));
        Assert.That(_heap.Free(objects[2]), Is.EqualTo(MemoryError.None));
    }

    [Test]
    public void Every_size_to_2_KiB_takes_and_gives_back_through_the_fast_paths()
    {
        var live = new List<VirtualAddress>();
        for (int round = 0; round < 3; round++)
        {
            for (ulong size = 1; size <= SizeClasses.MaxSize; size += 7) live.Add(Alloc(size));
            for (int i = live.Count - 1; i >= 0; i -= 2)
            {
                Assert.That(_heap.Free(live[i]), Is.EqualTo(MemoryError.None));
                Assert.That(_heap.Free(live[i]), Is.EqualTo(MemoryError.DoubleFree).Or.EqualTo(MemoryError.BadPointer));
                live.RemoveAt(i);
            }
            Assert.That(_heap.Check(), Is.EqualTo(MemoryError.None));
        }
        Assert.That(_heap.Statistics().LiveAllocations, Is.EqualTo((ulong)live.Count));
        foreach (var a in live) Assert.That(_heap.Free(a), Is.EqualTo(MemoryError.None));
        Assert.That(_heap.Statistics().LiveAllocations, Is.Zero);
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.None));
    }
}
