using System.Runtime;

namespace MemOS.Plugs;

/// <summary>
/// GC.GetTotalMemory and GC.GetGCMemoryInfo report the kernel heap: the kernel installs a reporter; before that,
/// the early allocator's figures are the truth.
/// </summary>
public static unsafe class GcReporting
{
    /// <summary>What the heap reports: bytes in use, heap size, free bytes
    /// inside it, and physical memory available.</summary>
    public struct HeapFigures
    {
        public long UsedBytes;
        public long HeapSizeBytes;
        public long FreeBytes;
        public long TotalAvailableBytes;
    }

    private static delegate*<HeapFigures> s_reporter;

    public static void Install(delegate*<HeapFigures> reporter) => s_reporter = reporter;

    public static HeapFigures Current()
    {
        if (s_reporter != null) return s_reporter();
        long used = (long)EarlyAllocator.Used;
        long size = (long)EarlyAllocator.Capacity;
        return new HeapFigures
        {
            UsedBytes = used, HeapSizeBytes = size, FreeBytes = size - used, TotalAvailableBytes = size,
        };
    }

    [RuntimeExport("RhpGetGcTotalMemory")]
    private static long TotalMemory() => Current().UsedBytes;

    // GCMemoryInfoData starts with: highMemoryLoadThreshold, totalAvailableMemory, memoryLoad, heapSize,
    // fragmented, totalCommitted, promoted, pinnedObjects, finalizationPending, index (all long).
    [RuntimeExport("RhGetMemoryInfo")]
    private static void MemoryInfo(long* data, int kind)
    {
        HeapFigures f = Current();
        data[0] = f.TotalAvailableBytes * 9 / 10;
        data[1] = f.TotalAvailableBytes;
        data[2] = f.UsedBytes;
        data[3] = f.UsedBytes;
        data[4] = f.FreeBytes;
        data[5] = f.HeapSizeBytes;
    }
}
