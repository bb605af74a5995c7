namespace MemOS.Memory.Heap;

/// <summary>
/// A heap's numbers at one moment. Conservation: UsedBytes + FreeBytes + OverheadBytes == HeapSize.
/// </summary>
public readonly record struct HeapStatistics(
    ulong HeapSize,
    ulong UsedBytes,
    ulong FreeBytes,
    ulong OverheadBytes,
    ulong LargestFreeBlock,
    ulong LiveAllocations,
    ulong TotalAllocations,
    ulong TotalFrees,
    ulong FailedAllocations,
    ulong[] SmallObjectsPerClass)
{
    /// <summary>
    /// External fragmentation: 1 - largest free block / free bytes (0 = all free space in one piece).
    /// </summary>
    public double Fragmentation => FreeBytes == 0 ? 0 : 1.0 - (double)LargestFreeBlock / FreeBytes;
}
