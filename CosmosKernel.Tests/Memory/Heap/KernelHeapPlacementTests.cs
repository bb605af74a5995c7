using System;
using MemOS.Memory;
using MemOS.Memory.Heap;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Heap;

/// <summary>Pins that a kernel heap outside the higher half is refused, naming the parameter and the rule.</summary>
public sealed class KernelHeapPlacementTests
{
    [Test]
    public void A_kernel_heap_in_the_lower_half_is_refused_as_not_in_the_higher_half()
    {
        var heapBase = new VirtualAddress(0x1000_0000UL);
        using var arena = new TestArena(1UL << 20, heapBase);
        var e = Assert.Throws<ArgumentException>(() => _ = new KernelHeap(arena, arena, heapBase, 1UL << 20));
        Assert.That(e!.ParamName, Is.EqualTo("heapBase"));
        Assert.That(e.Message, Does.Contain("higher half"));
    }
}
