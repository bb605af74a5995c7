using System.Collections.Generic;
using System.Linq;
using MemOS.Memory;
using MemOS.Memory.Heap;
using MemOS.Memory.Tracing;
using MemOS.Tests.Memory.Tracing;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Heap;

/// <summary>
/// With tracing on, the heap narrates its end moving: each Extend it asks for (the grow increment, then the exact
/// pages when that is refused) as HeapGrew with the old End and the length, and Trim's release as HeapShrank with the
/// new End and the length given back. Tracing is process-wide, so the fixture restores the previous sink.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class GrowthTraceTests
{
    private TestArena _arena = null!;
    private HeapCore<HeapMemory> _heap = null!;
    private RecordingSink _recorder = null!;

    [SetUp]
    public void SetUp()
    {
        _arena = new TestArena(16UL << 20);
        _heap = TestHeaps.Over(_arena, new HeapOptions { NoBlockCache = true });
        _recorder = new RecordingSink();
    }

    [TearDown]
    public void TearDown()
    {
        _recorder.Dispose();
        _arena.Dispose();
    }

    private List<(ulong, ulong)> Events(MemoryEventKind kind)
        => _recorder.Events.Where(e => e.Kind == kind).Select(e => (e.Address, e.Size)).ToList();

    [Test]
    public void Growing_narrates_the_old_end_and_the_grow_increment()
    {
        _heap.Alloc(3000);
        Assert.That(Events(MemoryEventKind.HeapGrew), Is.EqualTo(new List<(ulong, ulong)> { (_arena.Base, 16384) }));
    }

    [Test]
    public void A_refused_increment_is_narrated_then_the_exact_pages()
    {
        _arena.PageLimit = 2;
        _heap.Alloc(5000); // two pages
        Assert.That(Events(MemoryEventKind.HeapGrew),
            Is.EqualTo(new List<(ulong, ulong)> { (_arena.Base, 16384), (_arena.Base, 8192) }));
        Assert.That(_heap.End.Value - _arena.Base, Is.EqualTo(8192UL));
    }

    [Test]
    public void Trim_narrates_the_new_end_and_what_it_gave_back()
    {
        _heap.Alloc(3000);
        _heap.Trim();
        Assert.That(Events(MemoryEventKind.HeapShrank),
            Is.EqualTo(new List<(ulong, ulong)> { (_arena.Base + 4096, 12288) }));
    }
}
