using MemOS.Memory;
using MemOS.Memory.Heap;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Heap;

/// <summary>
/// A free block whose header gains a stray PrevFree bit (the seal leaves that bit out, so only the free-block check
/// can see it) is not trusted: allocating from it, freeing either neighbour into it, and Trim each refuse, count one
/// corruption and name that block, and nothing is merged or carved through it; realloc does not grow into it.
/// </summary>
[TestFixture]
public sealed class CorruptionStrayPrevFreeTests : ArenaHeapFixture
{
    public CorruptionStrayPrevFreeTests() : base(new HeapOptions { NoBlockCache = true }) { }

    /// <summary>Frees the block at <paramref name="p"/>, then sets PrevFree in its header; returns the block's
    /// address.</summary>
    private ulong FreeAndFlag(VirtualAddress p)
    {
        Assert.That(Heap.Free(p), Is.EqualTo(MemoryError.None));
        var header = new VirtualAddress(p.Value - 16);
        Arena.Write64(header, Arena.Read64(header) | 2);
        return header.Value;
    }

    private void AssertOneCorruptionAt(ulong block)
    {
        Assert.That(Heap.CorruptionsDetected, Is.EqualTo(1UL));
        Assert.That(Heap.LastCorruption.Value, Is.EqualTo(block));
    }

    [Test]
    public void Allocating_from_it_is_refused()
    {
        VirtualAddress a = Alloc(3000);
        Alloc(3000);
        ulong x = FreeAndFlag(a);
        var r = Heap.Allocate(3000);
        Assert.That(r.Ok, Is.False);
        Assert.That(r.Error, Is.EqualTo(MemoryError.HeapCorrupted));
        AssertOneCorruptionAt(x);
    }

    [Test]
    public void Freeing_the_block_before_it_is_refused()
    {
        VirtualAddress a = Alloc(3000), b = Alloc(3000);
        Alloc(3000);
        FreeAndFlag(b);
        Assert.That(Heap.Free(a), Is.EqualTo(MemoryError.HeapCorrupted));
        AssertOneCorruptionAt(a.Value - 16);
        Assert.That(Heap.SizeOf(a).Value, Is.EqualTo(3008UL), "a is still allocated");
    }

    [Test]
    public void Freeing_the_block_after_it_is_refused()
    {
        VirtualAddress a = Alloc(3000), b = Alloc(3000);
        Alloc(3000);
        FreeAndFlag(a);
        Assert.That(Heap.Free(b), Is.EqualTo(MemoryError.HeapCorrupted));
        AssertOneCorruptionAt(b.Value - 16);
        Assert.That(Heap.SizeOf(b).Value, Is.EqualTo(3008UL), "b is still allocated");
    }

    [Test]
    public void Growing_into_it_in_place_is_refused()
    {
        VirtualAddress a = Alloc(3000), b = Alloc(3000);
        Alloc(3000);
        Arena.Write64(a, 0x5555);
        FreeAndFlag(b);
        var r = Heap.Reallocate(a, 5000);
        Assert.That(r.Ok, Is.True, $"{r.Error}");
        Assert.That(r.Value, Is.Not.EqualTo(a), "moved, not grown into the flagged block");
        Assert.That(Arena.Read64(r.Value), Is.EqualTo(0x5555UL));
    }

    [Test]
    public void Trim_reports_it_and_gives_none_of_its_pages_back()
    {
        VirtualAddress a = Alloc(20000);
        Alloc(3000);
        ulong x = FreeAndFlag(a);
        Heap.Trim();
        AssertOneCorruptionAt(x);
        Assert.That(Heap.DecommittedPages, Is.Zero);
    }
}
