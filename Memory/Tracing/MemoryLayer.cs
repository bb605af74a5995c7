namespace MemOS.Memory.Tracing;

/// <summary>The layer of the memory manager an event comes from, top (heap) to bottom (page table).</summary>
public enum MemoryLayer : byte
{
    Heap,
    Vmm,
    Fault,
    Pmm,
    PageTable,
}

/// <summary>Layer names as the trace prints them (no Enum.ToString in the kernel).</summary>
public static class MemoryLayers
{
    public static string Name(this MemoryLayer layer) => layer switch
    {
        MemoryLayer.Heap => "heap",
        MemoryLayer.Vmm => "VMM",
        MemoryLayer.Fault => "fault",
        MemoryLayer.Pmm => "PMM",
        MemoryLayer.PageTable => "page table",
        _ => "layer " + ((int)layer).ToString(),
    };
}
