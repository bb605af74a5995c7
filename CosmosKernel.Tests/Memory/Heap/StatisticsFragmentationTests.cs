using MemOS.Memory.Heap;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Heap;

/// <summary>
/// Pins HeapStatistics.Fragmentation: 1 - largest free block / free bytes, and 0 (not NaN) for a heap with no
/// free bytes, so `heap stats` never prints a NaN.
/// </summary>
public sealed class StatisticsFragmentationTests
{
    private static HeapStatistics With(ulong free, ulong largest)
        => new(HeapSize: 4096, UsedBytes: 4096 - free, FreeBytes: free, OverheadBytes: 0, LargestFreeBlock: largest,
            LiveAllocations: 1, TotalAllocations: 1, TotalFrees: 0, FailedAllocations: 0,
            SmallObjectsPerClass: new ulong[SizeClasses.Count]);

    [Test]
    public void No_free_bytes_is_no_fragmentation() => Assert.That(With(0, 0).Fragmentation, Is.EqualTo(0.0));

    [Test]
    public void Split_free_space_is_one_minus_largest_over_free()
        => Assert.That(With(400, 100).Fragmentation, Is.EqualTo(0.75));

    [Test]
    public void Free_space_in_one_piece_is_no_fragmentation()
        => Assert.That(With(400, 400).Fragmentation, Is.EqualTo(0.0));
}
