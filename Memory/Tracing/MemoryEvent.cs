using MemOS.Memory.Faults;
using MemOS.Memory.Paging;
using MemOS.Memory.Physical;
using MemOS.Memory.Virtual;

namespace MemOS.Memory.Tracing;

/// <summary>
/// One step one layer of the memory manager took: plain data, so recording it costs a copy; the words come later,
/// from <see cref="Describe"/>. Which fields mean what depends on <see cref="Kind"/> (see
/// <see cref="MemoryEventKind"/>).
/// </summary>
public readonly record struct MemoryEvent(MemoryEventKind Kind, ulong Address, ulong Size, ulong Frame, ulong Value,
    uint Detail, Region? Region)
{
    /// <summary>The layer that emitted it.</summary>
    public MemoryLayer Layer => Kind.Layer();

    /// <summary>"layer: what happened", as `trace` prints it. Allocates: never on the paths that emit.</summary>
    public string Describe() => Layer.Name() + ": " + Words();

    public override string ToString() => Describe();

    private string Words() => Kind switch
    {
        MemoryEventKind.HeapSearch => "looks for a block of " + Size + " B"
            + (Detail > 16 ? " aligned to " + Detail : ""),
        MemoryEventKind.HeapFoundFree => "free block of " + Size + " B at " + Hex(Address) + " fits",
        MemoryEventKind.HeapSplit => "split: " + Size + " B at " + Hex(Address) + " stay free",
        MemoryEventKind.HeapCarved => "carves " + Size + " B at " + Hex(Address) + " from the top",
        MemoryEventKind.HeapNewSlab => "new slab for " + Value + " B objects at " + Hex(Address),
        MemoryEventKind.HeapGrew => "none fits: grows by " + Size + " B at " + Hex(Address),
        MemoryEventKind.HeapAllocated => Size == 0 ? "no block and no room to grow: the allocation fails"
            : "block of " + Size + " B at " + Hex(Address),
        MemoryEventKind.HeapFree => "takes back " + Size + " B at " + Hex(Address),
        MemoryEventKind.HeapCoalesced => "merged with free neighbours into " + Size + " B at " + Hex(Address),
        MemoryEventKind.HeapIntoTop => "the space joins the top, which now starts at " + Hex(Address),
        MemoryEventKind.HeapShrank => "shrinks by " + Size + " B at " + Hex(Address),

        MemoryEventKind.RegionCreated => "region " + RegionName + " created at " + Hex(Address) + ", " + Size + " B, "
            + Populated,
        MemoryEventKind.RegionGrown => "region " + RegionName + " grows by " + Size + " B at " + Hex(Address) + ": "
            + Populated,
        MemoryEventKind.RegionShrunk => "region " + RegionName + " shrinks by " + Size + " B at " + Hex(Address)
            + ": pages unmapped, frames returned",
        MemoryEventKind.RegionFreed => "region " + RegionName + " freed (" + Size + " B at " + Hex(Address) + ")",
        MemoryEventKind.ZeroPageMapped => "zero page " + Hex(Frame) + " mapped read-only at " + Hex(Address),
        MemoryEventKind.DemandPageMapped => "zeroed frame " + Hex(Frame) + " mapped at " + Hex(Address),
        MemoryEventKind.PageCopied => "frame " + Hex(Frame) + (Value == 0 ? " zeroed" : " copied from " + Hex(Value))
            + " replaces the read-only page at " + Hex(Address),
        MemoryEventKind.PageCharged => "a frame charged for committed page " + Hex(Address)
                                       + " (its first touch takes it)",
        MemoryEventKind.PageMadeWritable => "page " + Hex(Address) + " (frame " + Hex(Frame)
            + ", only reference) made writable",

        MemoryEventKind.Fault => "page fault at " + Hex(Address) + " (" + new ErrorCode(Detail).Describe()
            + (Value != 0 ? ", AC set" : "") + ")",
        MemoryEventKind.FaultDecided => (Region == null ? "no region" : "region " + RegionName + " ("
            + ((RegionBacking)Value).Describe() + ")") + ": " + ((FaultOutcome)Detail).Describe(),
        MemoryEventKind.FaultViolation => "violation: " + ((FaultOutcome)Detail).Describe(),

        MemoryEventKind.FrameTaken => (Detail == 0 ? "frame " : "2^" + Detail + " frames at ") + Hex(Frame)
            + " taken (order " + Detail + ", " + ((FrameUsage)Value).Name() + ")",
        MemoryEventKind.FrameFreed => (Detail == 0 ? "frame " : "2^" + Detail + " frames at ") + Hex(Frame)
            + " freed (order " + Detail + ")",
        MemoryEventKind.ReferenceAdded => "frame " + Hex(Frame) + " gains a reference (" + Value + " now)",
        MemoryEventKind.ReferenceDropped => "frame " + Hex(Frame) + " loses a reference (" + Value + " left)",

        MemoryEventKind.EntryWritten => ((PageTableLevel)Detail).Name() + " entry for " + Hex(Address) + " -> "
            + Hex(Frame) + " (" + PageFlagsText.Describe((PageFlags)Value) + ")",
        MemoryEventKind.EntryChanged => ((PageTableLevel)Detail).Name() + " entry for " + Hex(Address) + " now -> "
            + Hex(Frame) + " (" + PageFlagsText.Describe((PageFlags)Value) + ")",
        MemoryEventKind.EntryCleared => ((PageTableLevel)Detail).Name() + " entry for " + Hex(Address)
            + " cleared (was " + Hex(Frame) + ")",
        MemoryEventKind.TableAllocated => "new " + ((PageTableLevel)Detail).Name() + " table at " + Hex(Frame),
        MemoryEventKind.TableFreed => "empty " + ((PageTableLevel)Detail).Name() + " table " + Hex(Frame) + " freed",
        _ => "event " + ((int)Kind).ToString(),
    };

    private string RegionName => Region?.Name ?? "?";

    private string Populated => (RegionBacking)Detail == RegionBacking.Immediate ? "populated now (immediate)"
        : (RegionBacking)Detail == RegionBacking.Demand ? "left to demand (demand)"
            : ((RegionBacking)Detail).Describe();

    private static string Hex(ulong value) => "0x" + value.ToString("x");
}
