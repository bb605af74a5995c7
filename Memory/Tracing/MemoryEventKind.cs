namespace MemOS.Memory.Tracing;

/// <summary>
/// What happened, one value per step a layer takes. The layer is part of the kind (see
/// <see cref="MemoryEventKinds.Layer"/>): each kind is emitted by exactly one layer.
/// </summary>
public enum MemoryEventKind : byte
{
    // Heap (HeapCore): Address = block or payload, Size = bytes.
    /// <summary>An allocation starts: Size asked, Detail = alignment.</summary>
    HeapSearch,
    /// <summary>A free block in the bins fits: Address = block, Size = its bytes.</summary>
    HeapFoundFree,
    /// <summary>What was left of a free block after the split stays free: Address, Size.</summary>
    HeapSplit,
    /// <summary>A block carved from the top: Address = block, Size = bytes.</summary>
    HeapCarved,
    /// <summary>A new slab for a size class: Address = slab block, Value = object size.</summary>
    HeapNewSlab,
    /// <summary>The heap asks the VMM for more: Address = old end, Size = bytes.</summary>
    HeapGrew,
    /// <summary>The allocation's result: Address = payload, Size = usable bytes (0 = failed).</summary>
    HeapAllocated,
    /// <summary>A free starts: Address = payload, Size = usable bytes.</summary>
    HeapFree,
    /// <summary>Freed space merged with free neighbours: Address = block, Size = merged bytes.</summary>
    HeapCoalesced,
    /// <summary>Freed space at the end went back into the top: Address = new top.</summary>
    HeapIntoTop,
    /// <summary>Trailing pages given back to the VMM: Address = new end, Size = bytes.</summary>
    HeapShrank,

    // VMM (AddressSpace): Region set.
    /// <summary>A region created: Address = base, Size = bytes, Detail = backing.</summary>
    RegionCreated,
    /// <summary>A region grew: Address = old end, Size = bytes, Detail = backing of the new part.</summary>
    RegionGrown,
    /// <summary>A region shrank: Address = new end, Size = bytes unmapped.</summary>
    RegionShrunk,
    /// <summary>A region freed: Address = base, Size = bytes.</summary>
    RegionFreed,
    /// <summary>Demand read: the shared zero page mapped read-only at Address (Frame).</summary>
    ZeroPageMapped,
    /// <summary>Demand write: a zeroed frame mapped at Address (Frame).</summary>
    DemandPageMapped,
    /// <summary>Copy on write: Frame (a copy of Source, or zeroed when Source is the zero page) replaces it.</summary>
    PageCopied,
    /// <summary>A read-only page whose frame has no other reference made writable in place.</summary>
    PageMadeWritable,
    /// <summary>A committed demand page charged: a frame kept for Address's first touch (its tables made).</summary>
    PageCharged,

    // Fault (PageFaultResolver).
    /// <summary>A page fault: Address = CR2, Detail = error code, Value = 1 when EFLAGS.AC was set.</summary>
    Fault,
    /// <summary>The decision: Detail = outcome, Region (or none), Value = backing at the page.</summary>
    FaultDecided,
    /// <summary>The fault ended in a violation: Detail = outcome.</summary>
    FaultViolation,

    // PMM (PhysicalMemoryManager).
    /// <summary>Frames taken: Frame = first, Detail = order, Value = usage.</summary>
    FrameTaken,
    /// <summary>Frames freed: Frame = first, Detail = order.</summary>
    FrameFreed,
    /// <summary>A reference added to an allocated frame: Frame, Value = count now.</summary>
    ReferenceAdded,
    /// <summary>A reference dropped (frame still in use): Frame, Value = count now.</summary>
    ReferenceDropped,

    // Page table (PageTable): Address = virtual page, Detail = level of the entry.
    /// <summary>A leaf entry written: Frame, Value = flags.</summary>
    EntryWritten,
    /// <summary>A leaf entry changed in place (new flags or new frame): Frame, Value = flags.</summary>
    EntryChanged,
    /// <summary>A leaf entry cleared: Frame = what it mapped.</summary>
    EntryCleared,
    /// <summary>A table page allocated: Frame, Detail = its level.</summary>
    TableAllocated,
    /// <summary>An empty table page freed: Frame, Detail = its level.</summary>
    TableFreed,
}

/// <summary>Which layer emits each kind.</summary>
public static class MemoryEventKinds
{
    public static MemoryLayer Layer(this MemoryEventKind kind) => kind switch
    {
        <= MemoryEventKind.HeapShrank => MemoryLayer.Heap,
        <= MemoryEventKind.PageCharged => MemoryLayer.Vmm,
        <= MemoryEventKind.FaultViolation => MemoryLayer.Fault,
        <= MemoryEventKind.ReferenceDropped => MemoryLayer.Pmm,
        _ => MemoryLayer.PageTable,
    };
}
