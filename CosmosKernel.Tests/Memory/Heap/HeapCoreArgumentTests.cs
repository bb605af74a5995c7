using System;
using MemOS.Memory;
using MemOS.Memory.Heap;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Heap;

/// <summary>
/// Pins the heap constructor's argument rules (a page-aligned base and a page-multiple size, each refused with its
/// parameter named and the rule in the message) and that a zero grow increment means the default one.
/// </summary>
public sealed class HeapCoreArgumentTests
{
    private const ulong Size = 1UL << 20;

    [Test]
    public void A_base_off_a_page_is_refused_naming_the_rule()
    {
        using var arena = new TestArena(Size);
        var e = Assert.Throws<ArgumentException>(() => _ = new HeapCore<HeapMemory>(new HeapMemory(arena), arena,
            new VirtualAddress(arena.Base + 16), Size, default));
        Assert.That(e!.ParamName, Is.EqualTo("heapBase"));
        Assert.That(e.Message, Does.Contain("page-aligned"));
    }

    [TestCase(Size + 8)]
    [TestCase(Size + 2048)]
    public void A_size_that_is_not_a_page_multiple_is_refused(ulong maxSize)
    {
        using var arena = new TestArena(Size * 2);
        var e = Assert.Throws<ArgumentException>(() => _ = new HeapCore<HeapMemory>(new HeapMemory(arena), arena,
            new VirtualAddress(arena.Base), maxSize, default));
        Assert.That(e!.ParamName, Is.EqualTo("maxSize"));
    }

    [Test]
    public void A_zero_grow_increment_grows_by_the_default()
    {
        using var arena = new TestArena(Size);
        var heap = TestHeaps.Over(arena, new HeapOptions { GrowIncrement = 0 });
        heap.Alloc(100);
        Assert.That(heap.Statistics().HeapSize, Is.EqualTo(HeapOptions.DefaultGrowIncrement));
        Assert.That((ulong)arena.MappedPages * 4096, Is.EqualTo(HeapOptions.DefaultGrowIncrement));
    }
}
