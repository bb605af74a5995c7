using System;
using System.Linq;
using MemOS.Memory;
using MemOS.Memory.Heap;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Heap;

/// <summary>
/// Pins where a user heap may live (from the null guard's end up to the last user address, both ends inclusive, and
/// never in the higher half, refused with a message naming user space) and that a process heap keeps no medium
/// cache: freed neighbours merge at once.
/// </summary>
public sealed class UserHeapPlacementTests
{
    private const ulong Size = 1UL << 20;

    private static void AllocateAndCheck(ulong heapBase)
    {
        using var arena = new TestArena(Size, new VirtualAddress(heapBase));
        var heap = new UserHeap(arena, arena, new VirtualAddress(heapBase), Size);
        var r = heap.Allocate(4000);
        Assert.That(r.Ok, Is.True);
        Assert.That(r.Value.Value, Is.GreaterThanOrEqualTo(heapBase).And.LessThan(heapBase + Size));
        Assert.That(heap.Check(), Is.EqualTo(MemoryError.None));
    }

    [Test]
    public void A_user_heap_may_start_exactly_at_the_null_guard_end() => AllocateAndCheck(UserHeap.NullGuardEnd);

    [Test]
    public void A_user_heap_may_end_exactly_at_the_top_of_user_space() => AllocateAndCheck((1UL << 47) - Size);

    [Test]
    public void A_user_heap_in_the_higher_half_is_refused_as_not_in_user_space()
    {
        using var arena = new TestArena(Size);
        var e = Assert.Throws<ArgumentException>(() => _ = new UserHeap(arena, arena, TestArena.KernelBase, Size));
        Assert.That(e!.ParamName, Is.EqualTo("heapBase"));
        Assert.That(e.Message, Does.Contain("user space"));
    }

    [Test]
    public void Freed_medium_neighbours_merge_at_once_as_a_user_heap_caches_none()
    {
        ulong heapBase = 0x1000_0000UL;
        using var arena = new TestArena(Size, new VirtualAddress(heapBase));
        var heap = new UserHeap(arena, arena, new VirtualAddress(heapBase), Size);
        var a = heap.Allocate(4000).Value;
        var b = heap.Allocate(4000).Value;
        Assert.That(heap.Allocate(4000).Ok, Is.True); // keeps b off the top
        Assert.That(heap.Free(a), Is.EqualTo(MemoryError.None));
        Assert.That(heap.Free(b), Is.EqualTo(MemoryError.None));

        var free = heap.Blocks().Where(x => x.Kind == HeapBlockKind.Free).ToList();
        Assert.That(free, Has.Count.EqualTo(1));
        Assert.That(free[0].Address.Value, Is.EqualTo(a.Value - 16));
        Assert.That(free[0].Size, Is.GreaterThanOrEqualTo(b.Value - a.Value + 4000), "a and b in one block");
        Assert.That(heap.Check(), Is.EqualTo(MemoryError.None));
    }
}
