using System.Collections.Generic;
using System.Linq;
using MemOS.Memory;
using MemOS.Memory.Physical;
using MemOS.Memory.Simulation;
using MemOS.Memory.Tracing;
using MemOS.Tests.Memory.Tracing;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Physical;

/// <summary>
/// What the PMM tells `trace`: the frame taken or freed, its order and usage, and a shared frame's count after each
/// reference gained or lost, on the frame cache's paths and the buddy's alike.
/// </summary>
public class PhysicalMemoryManagerTraceTests
{
    private SimulatedRam _ram = null!;
    private PhysicalMemoryManager _pmm = null!;
    private RecordingSink _trace = null!;

    [SetUp]
    public void SetUp()
    {
        _ram = new SimulatedRam(128 * Fixtures.MiB);
        _pmm = new PhysicalMemoryManager(Fixtures.Booted(Fixtures.Qemu128M()), _ram);
        _trace = new RecordingSink();
    }

    [TearDown]
    public void TearDown()
    {
        _trace.Dispose();
        _ram.Dispose();
    }

    private MemoryEvent[] Take()
    {
        var events = _trace.Events.ToArray();
        _trace.Events.Clear();
        return events;
    }

    private static void Expect(MemoryEvent[] events, MemoryEventKind kind, PhysicalAddress frame, ulong value = 0,
        uint order = 0)
    {
        Assert.That(events, Has.Length.EqualTo(1), kind.ToString());
        Assert.That(events[0].Kind, Is.EqualTo(kind));
        Assert.That(events[0].Frame, Is.EqualTo(frame.Value), kind + " frame");
        Assert.That(events[0].Value, Is.EqualTo(value), kind + " value");
        Assert.That(events[0].Detail, Is.EqualTo(order), kind + " order");
    }

    [Test]
    public void A_single_frame_is_told_taken_with_its_usage_and_freed()
    {
        var frame = _pmm.AllocateFrame(FrameUsage.PageTable).Value;
        Expect(Take(), MemoryEventKind.FrameTaken, frame, (ulong)FrameUsage.PageTable);
        Assert.That(_pmm.FreeFrame(frame), Is.EqualTo(MemoryError.None));
        Expect(Take(), MemoryEventKind.FrameFreed, frame);
        var again = _pmm.AllocateFrame().Value;
        Expect(Take(), MemoryEventKind.FrameTaken, again, (ulong)FrameUsage.Used);
    }

    [Test]
    public void A_run_is_told_with_its_order()
    {
        var run = _pmm.AllocateContiguous(3, default, FrameUsage.Heap).Value;
        Expect(Take(), MemoryEventKind.FrameTaken, run, (ulong)FrameUsage.Heap, order: 3);
        Assert.That(Take(), Is.Empty);
        Assert.That(_pmm.FreeContiguous(run, 3), Is.EqualTo(MemoryError.None));
        Expect(Take(), MemoryEventKind.FrameFreed, run, order: 3);
    }

    [Test]
    public void References_are_told_with_the_count_they_leave()
    {
        var frame = _pmm.AllocateFrame().Value;
        Take();
        Assert.That(_pmm.AddReference(frame), Is.EqualTo(MemoryError.None));
        Expect(Take(), MemoryEventKind.ReferenceAdded, frame, 2);
        Assert.That(_pmm.AddReference(frame), Is.EqualTo(MemoryError.None));
        Expect(Take(), MemoryEventKind.ReferenceAdded, frame, 3);
        Assert.That(_pmm.FreeFrame(frame), Is.EqualTo(MemoryError.None));
        Expect(Take(), MemoryEventKind.ReferenceDropped, frame, 2);
        Assert.That(_pmm.FreeFrame(frame), Is.EqualTo(MemoryError.None));
        Expect(Take(), MemoryEventKind.ReferenceDropped, frame, 1);
        Assert.That(_pmm.FreeFrame(frame), Is.EqualTo(MemoryError.None));
        Expect(Take(), MemoryEventKind.FrameFreed, frame);
        Assert.That(_pmm.AddReference(frame), Is.EqualTo(MemoryError.NotAllocated));
        Assert.That(Take(), Is.Empty, "a refused reference is not told");
    }

    [Test]
    public void A_free_into_a_full_cache_is_told_once_for_the_frame_freed()
    {
        var frames = new List<PhysicalAddress>();
        for (int i = 0; i < 2 * PhysicalMemoryManager.FrameCacheCapacity; i++) frames.Add(_pmm.AllocateFrame().Value);
        int freed = 0;
        while (_pmm.CachedFrameCount < PhysicalMemoryManager.FrameCacheCapacity) _pmm.FreeFrame(frames[freed++]);
        Take();
        var last = frames[freed];
        Assert.That(_pmm.FreeFrame(last), Is.EqualTo(MemoryError.None));
        Expect(Take().Where(e => e.Frame == last.Value).ToArray(), MemoryEventKind.FrameFreed, last);
        Assert.That(_pmm.Check(out var problem), Is.EqualTo(MemoryError.None), problem);
    }
}
