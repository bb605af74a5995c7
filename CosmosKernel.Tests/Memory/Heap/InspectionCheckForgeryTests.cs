using System;
using System.Linq;
using MemOS.Memory;
using MemOS.Memory.Heap;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Heap;

/// <summary>
/// Pins that Check() rejects forged heap metadata on its own, before trusting it: a header with a valid seal but a
/// size past the top, a free-list link out of the heap, a free node whose seal does not match or whose back link is
/// wrong, and a partial slab whose back link is wrong. Each answer must be HeapCorrupted, never an access outside
/// the heap (the checked arena throws on one) and never None. Seals are forged the way an attacker who can read a
/// header could: seal ^ old word ^ new word.
/// </summary>
public sealed unsafe class InspectionCheckForgeryTests : ArenaHeapFixture
{
    public InspectionCheckForgeryTests() : base(new HeapOptions { NoBlockCache = true }) { }

    private ulong* Word(ulong address) => (ulong*)Arena.Raw(new VirtualAddress(address));

    /// <summary>Two freed 4000-byte blocks in one bin, kept apart: (head, second) of the list.</summary>
    private (ulong Head, ulong Second, VirtualAddress Spare) TwoFreeBlocksInOneBin()
    {
        var a = Heap.Alloc(4000);
        var spare = Heap.Alloc(4000);
        var b = Heap.Alloc(4000);
        Heap.Alloc(4000);
        Assert.That(Heap.Free(a), Is.EqualTo(MemoryError.None));
        Assert.That(Heap.Free(b), Is.EqualTo(MemoryError.None));
        Assert.That(Heap.Check(), Is.EqualTo(MemoryError.None));
        ulong xa = a.Value - 16, xb = b.Value - 16;
        // Free node: +16 next, +24 prev. The head has no predecessor.
        return *Word(xa + 24) == 0 ? (xa, xb, spare) : (xb, xa, spare);
    }

    [Test]
    public void A_sealed_header_reaching_past_the_top_is_corrupt_without_reading_past_it()
    {
        var a = Heap.Alloc(4000);
        Heap.Alloc(4000);
        ulong x = a.Value - 16;
        ulong h = *Word(x), forged = (1UL << 40) | (h & 2); // free, huge, PrevFree kept
        *Word(x + 8) ^= (h & ~2UL) ^ (forged & ~2UL);
        *Word(x) = forged;
        Assert.That(Heap.Check(), Is.EqualTo(MemoryError.HeapCorrupted));
    }

    [Test]
    public void A_free_list_link_past_the_top_is_corrupt_without_following_it()
    {
        var (head, second, _) = TwoFreeBlocksInOneBin();
        Assert.That(*Word(head + 16), Is.EqualTo(second), "precondition: head links to second");
        *Word(head + 16) = Arena.Base + (8UL << 20); // inside the arena, far past the mapped end
        Assert.That(Heap.Check(), Is.EqualTo(MemoryError.HeapCorrupted));
    }

    [Test]
    public void A_free_node_with_a_wrong_back_link_is_corrupt()
    {
        var (head, second, _) = TwoFreeBlocksInOneBin();
        *Word(second + 24) = 0;
        Assert.That(Heap.Check(), Is.EqualTo(MemoryError.HeapCorrupted));
    }

    [Test]
    public void A_free_node_without_a_valid_seal_is_corrupt_even_when_everything_else_adds_up()
    {
        var (head, second, spare) = TwoFreeBlocksInOneBin();
        // A fake node in a live payload standing in for the second: same size, right bin, right links, bad seal.
        ulong fake = spare.Value;
        *Word(fake) = *Word(second) & ~0xFUL;
        *Word(fake + 8) = 0x1234_5678;
        *Word(fake + 16) = 0;
        *Word(fake + 24) = head;
        *Word(head + 16) = fake;
        Assert.That(Heap.Check(), Is.EqualTo(MemoryError.HeapCorrupted));
    }

    [Test]
    public void A_partial_slab_with_a_wrong_back_link_is_corrupt()
    {
        Heap.Alloc(64);
        var slab = Heap.Blocks().Single(b => b.Kind == HeapBlockKind.Slab);
        ulong s = slab.Address.Value + 16; // the slab header: +16 next, +24 prev
        Assert.That(*Word(s + 24), Is.EqualTo(0UL), "precondition: the only partial slab heads its list");
        *Word(s + 24) = s + 0x1000;
        Assert.That(Heap.Check(), Is.EqualTo(MemoryError.HeapCorrupted));
    }
}
