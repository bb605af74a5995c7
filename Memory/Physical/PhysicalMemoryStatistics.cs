using System.Runtime.CompilerServices;

namespace MemOS.Memory.Physical;

/// <summary>Free blocks per buddy order 0..10, copied by value.</summary>
[InlineArray(PhysicalMemoryManager.Orders)]
public struct FreeBlockCounts
{
    private ulong _element;
}

/// <summary>
/// A snapshot of the PMM. Frames in zones: Free + Used + Reserved = Total; Usable = Free + Used. The frame cache's
/// frames are free single frames: counted in FreeFrames and in FreeBlocks(0) (Cache.Frames says how many of those).
/// FragmentationIndex = 1 - (free frames in blocks of the largest free order / all free frames): 0 when every free
/// frame sits in a block of the biggest size on offer, towards 1 when most free memory is scattered in smaller
/// blocks than that; 0 when nothing is free.
/// </summary>
public readonly struct PhysicalMemoryStatistics
{
    private readonly FreeBlockCounts _freeBlocks;

    internal PhysicalMemoryStatistics(ulong total, ulong usable, ulong free, ulong used, ulong reserved,
        FreeBlockCounts freeBlocks, ulong metadataBytes, FrameCacheStatistics cache = default)
    {
        Cache = cache;
        TotalFrames = total;
        UsableFrames = usable;
        FreeFrames = free;
        UsedFrames = used;
        ReservedFrames = reserved;
        _freeBlocks = freeBlocks;
        MetadataBytes = metadataBytes;
        int largest = -1;
        for (int order = PhysicalMemoryManager.MaxOrder; order >= 0; order--)
            if (freeBlocks[order] != 0) { largest = order; break; }
        LargestFreeOrder = largest;
        FragmentationIndex = free == 0 || largest < 0 ? 0.0 : 1.0 - (double)(freeBlocks[largest] << largest) / free;
    }

    /// <summary>Frames the PMM tracks (its zones, including reserved holes inside them).</summary>
    public ulong TotalFrames { get; }
    /// <summary>Frames the memory map called usable (free + used).</summary>
    public ulong UsableFrames { get; }
    public ulong FreeFrames { get; }
    public ulong UsedFrames { get; }
    /// <summary>Frames inside zones that are never handed out.</summary>
    public ulong ReservedFrames { get; }
    /// <summary>Largest order with a free block; -1 when nothing is free.</summary>
    public int LargestFreeOrder { get; }
    /// <summary>1 - frames in largest-order free blocks / free frames (see the type's summary).</summary>
    public double FragmentationIndex { get; }
    /// <summary>The frame cache: free single frames held outside the buddy lists (part of FreeFrames).</summary>
    public FrameCacheStatistics Cache { get; }
    /// <summary>Bytes of PMM metadata (bitmap, reference counts, tags, zones, frame cache).</summary>
    public ulong MetadataBytes { get; }

    /// <summary>Free blocks of one order (0..10; order 0 includes the cached frames); 0 for other orders.</summary>
    public ulong FreeBlocks(int order) => order < 0 || order > PhysicalMemoryManager.MaxOrder ? 0 : _freeBlocks[order];
}
