using MemOS.Memory;
using MemOS.Memory.Heap;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Heap;

/// <summary>
/// The medium cache's pop (Allocate's medium branch on a raw-pointer heap) takes the head of its list only when
/// the head is a sealed cached block of that very list and the request is a medium one: a link forged to point at
/// a block of another list, a live block, a free block of the bins or an unsealed imitation is refused and the
/// broken list is reported, and a request at the large threshold never takes a cached medium block. A pop is also
/// an allocation in the statistics. These pin the checks that keep a stray write from handing out memory twice.
/// </summary>
[TestFixture]
public sealed unsafe class MediumCachePopGuardTests : ArenaHeapFixture
{
    public MediumCachePopGuardTests() : base(new HeapOptions { CommitBlocks = true }, identity: true) { }

    /// <summary>Frees <paramref name="head"/> (so it heads the 6000-byte list; unless it is cached already) and
    /// points its link at <paramref name="link"/>; then pops it, leaving the forged link at the head.</summary>
    private void ForgeHeadLink(VirtualAddress head, ulong link, bool free = true)
    {
        if (free) Assert.That(Heap.Free(head), Is.EqualTo(MemoryError.None));
        *(ulong*)head.Value = link; // a cached block's link is its first payload word
        Assert.That(Alloc(6000), Is.EqualTo(head), "the head itself is still a sealed cached block");
    }

    /// <summary>The next 6000-byte request must not be served at <paramref name="forged"/>, and the list is
    /// reported broken once.</summary>
    private void AssertRefused(VirtualAddress forged)
    {
        var next = Heap.Allocate(6000);
        Assert.That(next.Ok, Is.True);
        Assert.That(next.Value, Is.Not.EqualTo(forged));
        Assert.That(Heap.CorruptionsDetected, Is.EqualTo(1UL));
    }

    [Test]
    public void A_request_served_from_the_cache_counts_as_one_allocation()
    {
        var a = Alloc(4096);
        Alloc(4096); // fence
        Assert.That(Heap.Free(a), Is.EqualTo(MemoryError.None));
        var before = Heap.Statistics();
        Assert.That(Alloc(4096), Is.EqualTo(a), "the cached block");
        var after = Heap.Statistics();
        Assert.That(after.TotalAllocations, Is.EqualTo(before.TotalAllocations + 1));
        Assert.That(after.LiveAllocations, Is.EqualTo(before.LiveAllocations + 1));
        Assert.That(after.TotalFrees, Is.EqualTo(before.TotalFrees));
    }

    [Test]
    public void A_request_at_the_large_threshold_takes_a_large_block_not_a_cached_medium_one()
    {
        const ulong threshold = HeapCore<HeapMemory>.LargeThreshold;
        var medium = Alloc(threshold - 1); // the largest medium request: a 32 KiB + 16 block, cached when freed
        Alloc(4096); // fence
        Assert.That(Heap.Free(medium), Is.EqualTo(MemoryError.None));
        ulong cached = Heap.CachedBytes;
        Assert.That(cached, Is.EqualTo(threshold + 16));
        foreach (ulong size in new[] { threshold, threshold + 1 })
        {
            var large = Alloc(size);
            Assert.That(large, Is.Not.EqualTo(medium), $"{size}: a large request");
            Assert.That(Heap.CachedBytes, Is.EqualTo(cached), $"{size}: the cached block stays cached");
        }
        Assert.That(Heap.Check(), Is.EqualTo(MemoryError.None));
    }

    [Test]
    public void A_link_to_a_cached_block_of_another_list_is_not_followed()
    {
        var a = Alloc(6000);
        var other = Alloc(7000); // another quarter of the same power of two: another list
        Alloc(3000); // fence
        Assert.That(Heap.Free(other), Is.EqualTo(MemoryError.None));
        ForgeHeadLink(a, other.Value - 16);
        AssertRefused(other);
        Assert.That(Alloc(7000), Is.EqualTo(other), "its own list still has it");
    }

    [Test]
    public void A_link_to_a_live_block_is_not_followed()
    {
        var a = Alloc(6000);
        var live = Alloc(6000);
        Alloc(3000); // fence
        ForgeHeadLink(a, live.Value - 16);
        AssertRefused(live);
        Assert.That(Heap.SizeOf(live).Ok, Is.True, "the live block stays live");
    }

    [Test]
    public void A_link_to_a_free_block_of_the_bins_is_not_followed()
    {
        // Nine blocks of one list, fenced: the ninth free gives the oldest back to the bins as a free block.
        var blocks = new VirtualAddress[9];
        Alloc(3000);
        for (int i = 0; i < blocks.Length; i++)
        {
            blocks[i] = Alloc(6000);
            Alloc(3000); // fence
        }
        for (int i = 0; i < blocks.Length - 1; i++) Assert.That(Heap.Free(blocks[i]), Is.EqualTo(MemoryError.None));
        ulong cached = Heap.CachedBytes;
        Assert.That(Heap.Free(blocks[^1]), Is.EqualTo(MemoryError.None));
        Assert.That(Heap.CachedBytes, Is.EqualTo(cached), "one in, the oldest out");
        ForgeHeadLink(blocks[^1], blocks[0].Value - 16, free: false);
        var next = Heap.Allocate(6000);
        Assert.That(next.Ok, Is.True);
        Assert.That(Heap.CorruptionsDetected, Is.EqualTo(1UL), "the free block was not popped as a cached one");
    }

    [Test]
    public void An_unsealed_imitation_of_a_cached_header_is_not_followed()
    {
        var a = Alloc(6000);
        var host = Alloc(8000);
        Alloc(3000); // fence
        // A cached header of the 6000-byte list's size written into a live block's payload, with no valid seal.
        ulong fake = host.Value;
        ((ulong*)fake)[0] = 6016UL | 1 | 12;
        ((ulong*)fake)[1] = 0;
        ((ulong*)fake)[2] = 0;
        ForgeHeadLink(a, fake);
        AssertRefused(new VirtualAddress(fake + 16));
    }
}
