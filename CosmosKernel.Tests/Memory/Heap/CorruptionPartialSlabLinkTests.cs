using MemOS.Memory;
using MemOS.Memory.Heap;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Heap;

/// <summary>
/// A partial slab whose list link was overwritten to name a real slab of another size class (which points back, so
/// only the class check can tell) is not unlinked through that link: when the slab fills up and leaves the partial
/// list, the heap counts one corruption, names the slab, and the slab of the other class keeps its own link.
/// </summary>
[TestFixture]
public sealed class CorruptionPartialSlabLinkTests : ArenaHeapFixture
{
    private const ulong SizeA = 1024, SizeB = 512;
    private const ulong Next = 16, Prev = 24; // a slab header's list links

    public CorruptionPartialSlabLinkTests() : base(new HeapOptions { NoBlockCache = true }) { }

    private void Write(ulong address, ulong value) => Arena.Write64(new VirtualAddress(address), value);

    private ulong Read(ulong address) => Arena.Read64(new VirtualAddress(address));

    [TestCase(Next, Prev)] // the slab's next names the other class's slab, whose prev names it back
    [TestCase(Prev, Next)] // the slab's prev names the other class's slab, whose next names it back
    public void Filling_a_slab_whose_link_names_a_slab_of_another_class_reports_it(ulong link, ulong back)
    {
        ulong s = Heap.Alloc(SizeA).Value - 32; // the first object of a new slab follows its 32-byte header
        ulong s2 = Heap.Alloc(SizeB).Value - 32;
        Write(s + link, s2);
        Write(s2 + back, s);
        int capacity = SizeClasses.Capacity(SizeClasses.IndexOf(SizeA));
        for (int i = 1; i < capacity; i++) Heap.Alloc(SizeA); // the last one fills the slab
        Assert.That(Heap.CorruptionsDetected, Is.EqualTo(1UL));
        Assert.That(Heap.LastCorruption.Value, Is.EqualTo(s));
        Assert.That(Read(s2 + back), Is.EqualTo(s), "nothing was written through the forged link");
    }
}
