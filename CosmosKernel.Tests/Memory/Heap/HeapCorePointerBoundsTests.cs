using MemOS.Memory;
using MemOS.Memory.Heap;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Heap;

/// <summary>
/// Pins the general path's answers for pointers at the heap's edges: the heap's first address and addresses past the
/// top are BadPointer for Free and SizeOf without touching memory outside the heap (the checked arena throws if
/// they did), and freeing again a block that went back into the top is DoubleFree.
/// </summary>
public sealed class HeapCorePointerBoundsTests
{
    private TestArena _arena = null!;
    private HeapCore<HeapMemory> _heap = null!;

    [SetUp]
    public void SetUp()
    {
        _arena = new TestArena(4UL << 20);
        _heap = TestHeaps.Over(_arena, new HeapOptions { NoBlockCache = true });
        _heap.Alloc(4000);
    }

    [TearDown]
    public void TearDown() => _arena.Dispose();

    [Test]
    public void The_heap_base_itself_is_a_bad_pointer()
    {
        var p = new VirtualAddress(_arena.Base);
        Assert.That(_heap.Free(p), Is.EqualTo(MemoryError.BadPointer));
        Assert.That(_heap.SizeOf(p).Error, Is.EqualTo(MemoryError.BadPointer));
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.None));
    }

    [Test]
    public void An_address_past_the_mapped_end_has_no_size()
        => Assert.That(_heap.SizeOf(new VirtualAddress(_arena.Base + (2UL << 20))).Error,
            Is.EqualTo(MemoryError.BadPointer));

    [Test]
    public void Freeing_again_a_block_merged_into_the_top_is_a_double_free()
    {
        var last = _heap.Alloc(4000);
        Assert.That(_heap.Free(last), Is.EqualTo(MemoryError.None));
        Assert.That(_heap.Free(last), Is.EqualTo(MemoryError.DoubleFree));
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.None));
    }
}
