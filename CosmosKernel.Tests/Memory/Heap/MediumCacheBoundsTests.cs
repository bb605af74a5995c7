using System.Collections.Generic;
using MemOS.Memory;
using MemOS.Memory.Heap;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Heap;

/// <summary>
/// The medium cache's two bounds (8 blocks per list, 128 KiB in all) and what it gives back when one is reached: the
/// oldest block of the full list, and for the byte bound the oldest blocks of the largest lists first. Run on a heap
/// read through raw pointers (the kernel's: the push and pop fast paths) and on one read through IHeapWords (the
/// general path only); both must keep the same blocks.
/// </summary>
[TestFixture(true)]
[TestFixture(false)]
public sealed class MediumCacheBoundsTests : HeapKindFixture
{
    private const ulong CacheBytes = 128 * 1024;
    private const int CacheDepth = 8;

    public MediumCacheBoundsTests(bool direct) : base(direct) { }

    // n blocks of one size, each followed by a 100-byte fence so no two freed blocks can merge.
    private List<VirtualAddress> Blocks(int n, ulong size)
    {
        var blocks = new List<VirtualAddress>();
        for (int i = 0; i < n; i++)
        {
            blocks.Add(Alloc(size));
            Alloc(100);
        }
        return blocks;
    }

    [Test]
    public void A_full_list_keeps_the_eight_blocks_freed_last()
    {
        List<VirtualAddress> blocks = Blocks(12, 3000);
        ulong block = 0;
        for (int i = 0; i < blocks.Count; i++)
        {
            Assert.That(Heap.Free(blocks[i]), Is.EqualTo(MemoryError.None));
            if (i == 0) block = Heap.CachedBytes;
            Assert.That(Heap.CachedBytes, Is.EqualTo((ulong)System.Math.Min(i + 1, CacheDepth) * block),
                $"after {i + 1} frees");
            Assert.That(Heap.Check(), Is.EqualTo(MemoryError.None));
        }
        Assert.That(block, Is.InRange(3000UL, 3100UL));
        // Last in, first out: the next eight requests get the blocks freed last, newest first; the ninth a new one.
        for (int i = blocks.Count - 1; i >= blocks.Count - CacheDepth; i--)
            Assert.That(Alloc(3000), Is.EqualTo(blocks[i]), $"block {i}");
        Assert.That(Heap.CachedBytes, Is.Zero);
        Assert.That(Heap.Check(), Is.EqualTo(MemoryError.None));
    }

    [Test]
    public void The_byte_bound_holds_and_the_blocks_freed_last_stay()
    {
        List<VirtualAddress> blocks = Blocks(7, 30 * 1024);
        ulong block = 0;
        for (int i = 0; i < blocks.Count; i++)
        {
            Assert.That(Heap.Free(blocks[i]), Is.EqualTo(MemoryError.None));
            if (i == 0) block = Heap.CachedBytes;
            ulong kept = (ulong)System.Math.Min(i + 1, (int)(CacheBytes / block)) * block;
            Assert.That(Heap.CachedBytes, Is.EqualTo(kept), $"after {i + 1} frees");
            Assert.That(Heap.Check(), Is.EqualTo(MemoryError.None));
        }
        Assert.That(CacheBytes / block, Is.EqualTo(4UL), "four 30 KiB blocks fit in 128 KiB, five do not");
        for (int i = blocks.Count - 1; i >= blocks.Count - 4; i--)
            Assert.That(Alloc(30 * 1024), Is.EqualTo(blocks[i]), $"block {i}");
        Assert.That(Heap.CachedBytes, Is.Zero);
    }

    [Test]
    public void Over_the_byte_bound_the_largest_lists_give_back_first()
    {
        // Three 30 KiB blocks (the 28-32 KiB list), two of 3000 bytes and two of 22 KiB (20-24 KiB) freed in that
        // order: the last one takes the cache over 128 KiB, so the oldest block of the largest list goes back, and
        // every smaller list keeps what it has.
        List<VirtualAddress> large = Blocks(3, 30 * 1024), small = Blocks(2, 3000), mid = Blocks(2, 22 * 1024);
        foreach (VirtualAddress a in large) Assert.That(Heap.Free(a), Is.EqualTo(MemoryError.None));
        ulong largeBlock = Heap.CachedBytes / 3;
        foreach (VirtualAddress a in small) Assert.That(Heap.Free(a), Is.EqualTo(MemoryError.None));
        ulong smallBlock = (Heap.CachedBytes - 3 * largeBlock) / 2;
        Assert.That(Heap.Free(mid[0]), Is.EqualTo(MemoryError.None));
        ulong midBlock = Heap.CachedBytes - 3 * largeBlock - 2 * smallBlock;
        Assert.That(3 * largeBlock + 2 * smallBlock + 2 * midBlock, Is.GreaterThan(CacheBytes));
        Assert.That(Heap.Free(mid[1]), Is.EqualTo(MemoryError.None));
        Assert.That(Heap.CachedBytes, Is.EqualTo(2 * largeBlock + 2 * smallBlock + 2 * midBlock),
            "one 30 KiB block went back, nothing else");
        Assert.That(Heap.Check(), Is.EqualTo(MemoryError.None));
        Assert.That(Alloc(30 * 1024), Is.EqualTo(large[2]));
        Assert.That(Alloc(30 * 1024), Is.EqualTo(large[1]));
        Assert.That(Alloc(3000), Is.EqualTo(small[1]));
        Assert.That(Alloc(3000), Is.EqualTo(small[0]));
        Assert.That(Alloc(22 * 1024), Is.EqualTo(mid[1]));
        Assert.That(Alloc(22 * 1024), Is.EqualTo(mid[0]));
        Assert.That(Heap.CachedBytes, Is.Zero);
        Assert.That(Heap.Check(), Is.EqualTo(MemoryError.None));
    }
}
