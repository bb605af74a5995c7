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
public sealed class CorruptionStrayPrevFreeTests
{
    private TestArena _arena = null!;
    private HeapCore<HeapMemory> _heap = null!;

    [SetUp]
    public void SetUp()
    {
        _arena = new TestArena(16UL << 20);
        _heap = TestHeaps.Over(_arena, new HeapOptions { NoBlockCache = true });
    }

    [TearDown]
    public void TearDown() => _arena.Dispose();

    private VirtualAddress Alloc(ulong size) => _heap.Alloc(size);

    /// <summary>Frees the block at <paramref name="p"/>, then sets PrevFree in its header; returns the block's
    /// address.</summary>
    private ulong FreeAndFlag(VirtualAddress p)
    {
        Assert.That(_heap.Free(p), Is.EqualTo(MemoryError.None));
        var header = new VirtualAddress(p.Value - 16);
        _arena.Write64(header, _arena.Read64(header) | 2);
        return header.Value;
    }

    private void AssertOneCorruptionAt(ulong block)
    {
        Assert.That(_heap.CorruptionsDetected, Is.EqualTo(1UL));
        Assert.That(_heap.LastCorruption.Value, Is.EqualTo(block));
    }

    [Test]
    public void Allocating_from_it_is_refused()
    {
        VirtualAddress a = Alloc(3000);
        Alloc(3000);
        ulong x = FreeAndFlag(a);
        var r = _heap.Allocate(3000);
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
        Assert.That(_heap.Free(a), Is.EqualTo(MemoryError.HeapCorrupted));
        AssertOneCorruptionAt(a.Value - 16);
        Assert.That(_heap.SizeOf(a).Value, Is.EqualTo(3008UL), "a is still allocated");
    }

    [Test]
    public void Freeing_the_block_after_it_is_refused()
    {
        VirtualAddress a = Alloc(3000), b = Alloc(3000);
        Alloc(3000);
        FreeAndFlag(a);
        Assert.That(_heap.Free(b), Is.EqualTo(MemoryError.HeapCorrupted));
        AssertOneCorruptionAt(b.Value - 16);
        Assert.That(_heap.SizeOf(b).Value, Is.EqualTo(3008UL), "b is still allocated");
    }

    [Test]
    public void Growing_into_it_in_place_is_refused()
    {
        VirtualAddress a = Alloc(3000), b = Alloc(3000);
        Alloc(3000);
        _arena.Write64(a, 0x5555);
        FreeAndFlag(b);
        var r = _heap.Reallocate(a, 5000);
        Assert.That(r.Ok, Is.True, $"{r.Error}");
        Assert.That(r.Value, Is.Not.EqualTo(a), "moved, not grown into the flagged block");
        Assert.That(_arena.Read64(r.Value), Is.EqualTo(0x5555UL));
    }

    [Test]
    public void Trim_reports_it_and_gives_none_of_its_pages_back()
    {
        VirtualAddress a = Alloc(20000);
        Alloc(3000);
        ulong x = FreeAndFlag(a);
        _heap.Trim();
        AssertOneCorruptionAt(x);
        Assert.That(_heap.DecommittedPages, Is.Zero);
    }
}
