using MemOS.Memory;
using MemOS.Memory.Physical;
using MemOS.Memory.Simulation;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Physical;

/// <summary>
/// The buddy lists live in the free frames themselves (next, prev and a check word in each free block's first
/// words), so a write after free reaches them. Check() finds each kind of damage and names it; put back, the PMM is
/// whole again.
/// </summary>
[TestFixture]
public sealed class FreeListCorruptionTests
{
    private SimulatedRam _ram = null!;
    private PhysicalMemoryManager _pmm = null!;
    private PhysicalAddress _block;

    [SetUp]
    public void SetUp()
    {
        _ram = new SimulatedRam(8 * Fixtures.MiB);
        var map = new MemoryMap(new[] { new MemoryMapEntry(0x100000, 0x700000, 1) }); // one zone: frames 0x100-0x7ff
        _pmm = new PhysicalMemoryManager(map, _ram);
        // Two order-2 runs side by side; with the first freed and its buddy still held, it stays an order-2 block
        // on its list (not merged, not in the order-0 frame cache).
        _block = _pmm.AllocateContiguous(2, FrameConstraints.None, FrameUsage.Used).Value;
        var buddy = _pmm.AllocateContiguous(2, FrameConstraints.None, FrameUsage.Used).Value;
        Assert.That(buddy.Value ^ _block.Value, Is.EqualTo(4UL * 4096), "the two runs are buddies");
        Assert.That(_pmm.FreeContiguous(_block, 2), Is.EqualTo(MemoryError.None));
        Assert.That(_pmm.Check(), Is.EqualTo(MemoryError.None));
    }

    [TearDown]
    public void TearDown() => _ram.Dispose();

    [TestCase(16, 0UL, "header overwritten")]
    [TestCase(8, 0x1234_5000UL, "broken prev link")]
    [TestCase(0, 0x7FF_FFFFUL, "outside zone")]
    [TestCase(0, 0x101UL, "not aligned to its order 2")]
    public void A_damaged_free_block_is_named_by_the_check(int word, ulong value, string said)
    {
        var at = new PhysicalAddress(_block.Value + (ulong)word);
        ulong kept = _ram.Read64(at);
        _ram.Write64(at, value);
        Assert.That(_pmm.Check(out string? problem), Is.EqualTo(MemoryError.Conflict));
        Assert.That(problem, Does.Contain(said));
        _ram.Write64(at, kept);
        Assert.That(_pmm.Check(out problem), Is.EqualTo(MemoryError.None), problem);
    }
}
