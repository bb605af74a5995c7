using MemOS.Memory;
using MemOS.Memory.Heap;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Heap;

/// <summary>
/// The free bins of blocks of 2 MiB and more (bins 64 and up, the second word of the bin map): freed large blocks
/// there are mapped (Check agrees), found again by a request of their size (two in one bin stay mapped), and a
/// request of a higher bin does not stop at a lower bin's block that cannot hold it. These are the bins only the
/// largest blocks reach, so a slip in the map's second word shows only here.
/// </summary>
[TestFixture]
public sealed class BinMapHighBinsTests
{
    private const ulong Block2M = 2UL << 20; // a request whose large block (2 MiB + a page) is in bin 64

    private TestArena _arena = null!;
    private HeapCore<HeapMemory> _heap = null!;

    [SetUp]
    public void SetUp()
    {
        _arena = new TestArena(32UL << 20);
        _heap = TestHeaps.Over(_arena, new HeapOptions());
    }

    [TearDown]
    public void TearDown() => _arena.Dispose();

    private VirtualAddress Alloc(ulong size) => _heap.Alloc(size);

    [Test]
    public void Two_freed_blocks_of_the_first_high_bin_are_mapped_and_both_found_again()
    {
        var a = Alloc(Block2M);
        Alloc(3000); // fence
        var b = Alloc(Block2M);
        Alloc(3000); // fence
        Assert.That(_heap.Free(a), Is.EqualTo(MemoryError.None));
        Assert.That(_heap.Free(b), Is.EqualTo(MemoryError.None));
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.None), "the bin map agrees with the bins");
        var top = _heap.Top;
        var first = Alloc(Block2M);
        var second = Alloc(Block2M);
        Assert.That(new[] { first, second }, Is.EquivalentTo(new[] { a, b }), "both reused from the bins");
        Assert.That(_heap.Top, Is.EqualTo(top), "nothing carved from the top");
        Assert.That(_heap.CorruptionsDetected, Is.Zero);
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.None));
    }

    [Test]
    public void A_request_of_a_higher_bin_passes_over_a_smaller_high_block_to_the_top()
    {
        var a = Alloc(Block2M);
        Alloc(3000); // fence
        Assert.That(_heap.Free(a), Is.EqualTo(MemoryError.None));
        var top = _heap.Top;
        var r = _heap.Allocate(Block2M + (Block2M / 4) + 65536); // bin 65: a's block cannot hold it
        Assert.That(r.Ok, Is.True, $"{r.Error}");
        Assert.That(r.Value.Value, Is.GreaterThanOrEqualTo(top.Value), "from the top");
        Assert.That(_heap.CorruptionsDetected, Is.Zero);
        Assert.That(Alloc(Block2M), Is.EqualTo(a), "a is still found in its bin");
        Assert.That(_heap.Check(), Is.EqualTo(MemoryError.None));
    }
}
