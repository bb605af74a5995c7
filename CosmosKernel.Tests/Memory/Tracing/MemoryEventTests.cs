using System;
using System.Linq;
using MemOS.Memory.Physical;
using MemOS.Memory.Tracing;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Tracing;

/// <summary>Every event kind belongs to one layer and has its own words; layers and usages have their names.</summary>
public class MemoryEventTests
{
    [Test]
    public void Every_kind_describes_itself_with_its_layer_first()
    {
        foreach (MemoryEventKind kind in Enum.GetValues<MemoryEventKind>())
        {
            var e = new MemoryEvent(kind, 0x1000, 4096, 0x2000, 0, 0, null);
            string text = e.Describe();
            Assert.That(text, Does.StartWith(e.Layer.Name() + ": "), kind.ToString());
            Assert.That(text, Does.Not.Contain("event "), kind.ToString());
        }
    }

    [Test]
    public void Kinds_are_grouped_by_layer_top_down()
    {
        var layers = Enum.GetValues<MemoryEventKind>().Select(k => k.Layer()).ToArray();
        Assert.That(layers, Is.Ordered, "heap kinds first, page-table kinds last");
        Assert.That(layers.Distinct(), Is.EqualTo(Enum.GetValues<MemoryLayer>()));
        Assert.That(MemoryEventKind.HeapShrank.Layer(), Is.EqualTo(MemoryLayer.Heap));
        Assert.That(MemoryEventKind.RegionCreated.Layer(), Is.EqualTo(MemoryLayer.Vmm));
        Assert.That(MemoryEventKind.Fault.Layer(), Is.EqualTo(MemoryLayer.Fault));
        Assert.That(MemoryEventKind.FrameTaken.Layer(), Is.EqualTo(MemoryLayer.Pmm));
        Assert.That(MemoryEventKind.TableFreed.Layer(), Is.EqualTo(MemoryLayer.PageTable));
    }

    [Test]
    public void Layers_and_frame_usages_have_hand_written_names()
    {
        foreach (MemoryLayer layer in Enum.GetValues<MemoryLayer>())
            Assert.That(layer.Name(), Does.Not.StartWith("layer "));
        foreach (FrameUsage usage in Enum.GetValues<FrameUsage>())
            Assert.That(usage.Name().Replace(" ", ""), Is.EqualTo(usage.ToString().ToLowerInvariant())
                .Or.EqualTo("zeropage").Or.EqualTo("pagetable"));
    }

    [Test]
    public void Use_returns_the_previous_sink_and_off_is_null()
    {
        Assert.That(MemoryTrace.On, Is.False);
        using (var sink = new RecordingSink())
        {
            Assert.That(MemoryTrace.Sink, Is.SameAs(sink));
            MemoryTrace.Emit(MemoryEventKind.FrameTaken, frame: 0x5000);
            Assert.That(sink.Events.Single().Frame, Is.EqualTo(0x5000UL));
        }
        Assert.That(MemoryTrace.On, Is.False);
        MemoryTrace.Emit(MemoryEventKind.FrameTaken, frame: 0x5000);
    }
}
