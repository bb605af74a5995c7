namespace MemOS.Memory.Physical;

/// <summary>What a frame is used for: one tag per frame, drawn by the kernel's `pmm map`.</summary>
public enum FrameUsage : byte
{
    Free = 0,
    /// <summary>Allocated, purpose not given.</summary>
    Used = 1,
    /// <summary>Never handed out: firmware, holes inside a zone, the first MiB...</summary>
    Reserved = 2,
    Kernel = 3,
    PageTable = 4,
    Heap = 5,
    /// <summary>The shared zero page.</summary>
    Zero = 6,
    /// <summary>No RAM at this address (not in the memory map).</summary>
    Absent = 7,
}

/// <summary>Usage names for the trace (no Enum.ToString in the kernel).</summary>
public static class FrameUsages
{
    public static string Name(this FrameUsage usage) => usage switch
    {
        FrameUsage.Free => "free",
        FrameUsage.Used => "used",
        FrameUsage.Reserved => "reserved",
        FrameUsage.Kernel => "kernel",
        FrameUsage.PageTable => "page table",
        FrameUsage.Heap => "heap",
        FrameUsage.Zero => "zero page",
        FrameUsage.Absent => "absent",
        _ => "usage " + ((int)usage).ToString(),
    };
}
