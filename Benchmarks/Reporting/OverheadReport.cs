using System;
using MemOS.Benchmarks.Allocators;
using MemOS.Benchmarks.Workloads;
using MemOS.Memory.Heap;

namespace MemOS.Benchmarks.Reporting;

/// <summary>
/// Bytes of heap per small block that are not the block's usable payload, at 10,000 live blocks of 16..256 B:
/// (heap size - used) / live, from the heaps' own statistics. Not a timing.
/// Also given against the bytes actually requested, which counts size-class rounding as overhead too.
/// </summary>
public static class OverheadReport
{
    /// <summary>Churn operations after the fill, so the numbers describe a steady state and not a fresh heap.</summary>
    public const int ChurnOperations = 20_000;

    /// <param name="MetadataBytes">Headers and slab headers (KernelHeap's OverheadBytes; FirstFitHeap: 16 B per
    /// block).</param>
    /// <param name="FreeBytes">Free slots, free blocks and the mapped-but-uncarved top.</param>
    /// <param name="FreeBlockBytes">Of FreeBytes: free medium blocks.</param>
    /// <param name="TopBytes">Of FreeBytes: the mapped-but-uncarved top (growth and trim hysteresis).</param>
    /// <param name="SideTableBytes">KernelHeap's slab map for the part of its range in use (it is sized for the whole
    /// range).</param>
    public readonly record struct Overhead(string Heap, string When, ulong HeapSize, ulong UsedBytes,
        ulong RequestedBytes, int Live,
        ulong MetadataBytes, ulong FreeBytes, ulong FreeBlockBytes = 0, ulong TopBytes = 0, ulong SideTableBytes = 0)
    {
        /// <summary>Free object slots in partly used slabs.</summary>
        public ulong FreeSlotBytes => FreeBytes - FreeBlockBytes - TopBytes;

        public double PerBlock => (double)(HeapSize - UsedBytes) / Live;
        public double PerBlockVsRequested => (double)(HeapSize - RequestedBytes) / Live;
    }

    public static Overhead[] Measure()
    {
        var results = new Overhead[4];
        using (var kernel = new KernelHeapAllocator(AllocatorCatalog.ArenaBytes))
        using (var work = new ChurnWorkload(kernel, SizeDistribution.Small))
        {
            work.Fill();
            results[0] = Of(kernel, work, "after fill");
            work.Run(ChurnOperations);
            results[1] = Of(kernel, work, $"after {ChurnOperations:N0} churn ops");
        }
        using (var firstFit = new FirstFitAllocator(AllocatorCatalog.ArenaBytes))
        using (var work = new ChurnWorkload(firstFit, SizeDistribution.Small))
        {
            work.Fill();
            results[2] = Of(firstFit, work, "after fill");
            work.Run(ChurnOperations);
            results[3] = Of(firstFit, work, $"after {ChurnOperations:N0} churn ops");
        }
        foreach (var o in results)
            Console.WriteLine($"  {o.Heap,-12} {o.When,-24} heap {o.HeapSize,9:N0} B, used {o.UsedBytes,9:N0} B,"
                              + $" requested {o.RequestedBytes,9:N0} B"
                              + $" -> {o.PerBlock:F1} B/block ({o.PerBlockVsRequested:F1} B/block vs requested;"
                              + $" of it headers {(double)o.MetadataBytes / o.Live:F1} B,"
                              + $" free space {(double)o.FreeBytes / o.Live:F1} B"
                              + (o.Heap == "KernelHeap"
                                  ? $" = free slots in slabs {(double)o.FreeSlotBytes / o.Live:F1}"
                                    + $" + free blocks {(double)o.FreeBlockBytes / o.Live:F1}"
                                    + $" + top {(double)o.TopBytes / o.Live:F1};"
                                    + $" slab map {(double)o.SideTableBytes / o.Live:F2} B outside the heap)"
                                  : ")"));
        return results;
    }

    private static Overhead Of(KernelHeapAllocator heap, ChurnWorkload work, string when)
    {
        var s = heap.Heap.Statistics();
        ulong freeBlocks = 0, top = 0;
        foreach (var block in heap.Heap.Blocks())
        {
            if (block.Kind == HeapBlockKind.Free) freeBlocks += block.Size;
            else if (block.Kind == HeapBlockKind.Top) top += block.Size;
        }
        ulong map = (s.HeapSize >> 9) + 1; // one byte per 512 B of the heap in use
        return new Overhead("KernelHeap", when, s.HeapSize, s.UsedBytes, work.RequestedBytes, work.LiveBlocks,
            s.OverheadBytes, s.FreeBytes, freeBlocks, top, map);
    }

    // FirstFitHeap keeps no statistics: its usable payload per block is the request rounded up to 16 bytes.
    private static Overhead Of(FirstFitAllocator heap, ChurnWorkload work, string when)
    {
        ulong used = 0;
        foreach (var size in work.LiveSizes) used += ((ulong)size + 15) & ~15UL;
        ulong headers = 16UL * (ulong)work.LiveBlocks;
        return new Overhead("FirstFitHeap", when, heap.Heap.HeapSize, used, work.RequestedBytes, work.LiveBlocks,
            headers, heap.Heap.HeapSize - used - headers);
    }
}
