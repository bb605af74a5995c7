using MemOS.Memory;
using MemOS.Memory.Heap;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Heap;

/// <summary>
/// What a `heap blocks` line says about a block: which kinds count as used (allocations and slabs, not free space or
/// the top) and the name each kind is listed under, including an unknown kind's number.
/// </summary>
[TestFixture]
public sealed class HeapBlockKindNameTests
{
    [TestCase(HeapBlockKind.Free, false)]
    [TestCase(HeapBlockKind.Top, false)]
    [TestCase(HeapBlockKind.Medium, true)]
    [TestCase(HeapBlockKind.Large, true)]
    [TestCase(HeapBlockKind.Slab, true)]
    [TestCase(HeapBlockKind.Small, true)]
    public void A_block_is_used_exactly_when_it_is_an_allocation_or_a_slab(HeapBlockKind kind, bool used)
        => Assert.That(new HeapBlock(new VirtualAddress(0x1000), 64, kind).Used, Is.EqualTo(used));

    [TestCase(HeapBlockKind.Free, "free")]
    [TestCase(HeapBlockKind.Top, "top")]
    [TestCase(HeapBlockKind.Medium, "medium")]
    [TestCase(HeapBlockKind.Large, "large")]
    [TestCase(HeapBlockKind.Slab, "slab")]
    [TestCase(HeapBlockKind.Small, "small")]
    [TestCase((HeapBlockKind)9, "kind 9")]
    public void Each_kind_is_listed_under_its_name(HeapBlockKind kind, string name)
        => Assert.That(kind.Name(), Is.EqualTo(name));
}
