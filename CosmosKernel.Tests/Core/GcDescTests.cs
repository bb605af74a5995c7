using System.Collections.Generic;
using System.Runtime.InteropServices;
using MemOS.Core;
using NUnit.Framework;

namespace MemOS.Tests.Core;

/// <summary>
/// The GC-layout decoder on synthetic MethodTables built the way ilc lays them out (the host CLR's own MethodTables
/// differ, so real host objects cannot be used; the kernel's gc suite checks real ones): a class with two series, an
/// array of references, an array of structs with references (the repeating form), a type without pointers, and
/// hostile layouts that must not read outside the object.
/// </summary>
public unsafe class GcDescTests
{
    private const uint HasPointers = 0x01000000, HasComponentSize = 0x80000000;

    private static readonly List<ulong> s_slots = [];
    private static void Record(ulong* slot) => s_slots.Add((ulong)slot);

    /// <summary>Native memory: `below` words of GC layout, then the MethodTable (flags, base size), then the
    /// object.</summary>
    private sealed class Layout : System.IDisposable
    {
        private readonly byte* _block;
        public readonly ulong* Below;
        public readonly uint* MethodTable;
        public readonly byte* Object;

        public Layout(int belowWords, uint flags, uint baseSize, int objectBytes)
        {
            _block = (byte*)NativeMemory.AllocZeroed((nuint)(belowWords * 8 + 64 + objectBytes + 64));
            Below = (ulong*)_block;
            MethodTable = (uint*)(_block + belowWords * 8);
            MethodTable[0] = flags;
            MethodTable[1] = baseSize;
            Object = _block + belowWords * 8 + 64;
            *(uint**)Object = MethodTable;
        }

        /// <summary>The word `index` words below the MethodTable (1 = just below).</summary>
        public ref long Word(int index) => ref *(long*)((byte*)MethodTable - 8 * index);

        public List<ulong> Offsets()
        {
            s_slots.Clear();
            GcDesc.ForEachSlot(Object, ObjectLayout.SizeOf(Object), &Record);
            return s_slots.ConvertAll(s => s - (ulong)Object);
        }

        public void Dispose() => NativeMemory.Free(_block);
    }

    [Test]
    public void A_class_with_two_series_yields_exactly_its_reference_fields()
    {
        // [MT][ref @8][long @16][ref @24][ref @32], base size 48 (header and MethodTable included); series are stored
        // highest first below the count, each { size less the base size, offset }
        using var l = new Layout(5, HasPointers, 48, 48);
        l.Word(1) = 2;
        l.Word(3) = 16 - 48; l.Word(2) = 24;
        l.Word(5) = 8 - 48; l.Word(4) = 8;
        Assert.That(l.Offsets(), Is.EqualTo(new ulong[] { 24, 32, 8 }));
    }

    [Test]
    public void An_array_of_references_yields_every_element()
    {
        using var l = new Layout(3, HasPointers | HasComponentSize | 8, 24, 64);
        *(uint*)(l.Object + 8) = 5;                 // length
        l.Word(1) = 1;
        l.Word(3) = -24; l.Word(2) = 16;            // elements from 16, size = object size - base size
        Assert.That(l.Offsets(), Is.EqualTo(new ulong[] { 16, 24, 32, 40, 48 }));
    }

    [Test]
    public void An_array_of_structs_repeats_its_items_over_the_elements()
    {
        // element { long; ref; int (8 with padding); ref } = 32 bytes, 3 elements from offset 16
        using var l = new Layout(4, HasPointers | HasComponentSize | 32, 24, 120);
        *(uint*)(l.Object + 8) = 3;
        l.Word(1) = -2;                             // two repeating items
        l.Word(2) = 24;                             // first reference: element 0's second word
        *(uint*)((byte*)l.MethodTable - 24) = 1; *(uint*)((byte*)l.MethodTable - 20) = 8;  // 1 ref, skip the int
        *(uint*)((byte*)l.MethodTable - 32) = 1; *(uint*)((byte*)l.MethodTable - 28) = 8;  // 1 ref, skip next long
        Assert.That(l.Offsets(), Is.EqualTo(new ulong[] { 24, 40, 56, 72, 88, 104 }));
    }

    [Test]
    public void A_type_without_pointers_is_not_read()
    {
        using var l = new Layout(3, HasComponentSize | 1, 24, 64);
        *(uint*)(l.Object + 8) = 30;
        l.Word(1) = 1; l.Word(3) = -24; l.Word(2) = 16; // garbage that would say "references" if it were read
        Assert.That(l.Offsets(), Is.Empty);
    }

    [Test]
    public void Hostile_layouts_stay_inside_the_object()
    {
        using var huge = new Layout(3, HasPointers, 32, 32);
        huge.Word(1) = 1L << 40;                    // absurd series count
        Assert.That(huge.Offsets(), Is.Empty);

        using var wide = new Layout(3, HasPointers, 32, 32);
        wide.Word(1) = 1;
        wide.Word(3) = 4096; wide.Word(2) = 0;      // a series from the MethodTable word far past the end
        Assert.That(wide.Offsets(), Is.EqualTo(new ulong[] { 8, 16 }), "clipped to [8, size - 8)");

        using var stuck = new Layout(4, HasPointers | HasComponentSize | 16, 24, 64);
        *(uint*)(stuck.Object + 8) = 2;
        stuck.Word(1) = -1;
        stuck.Word(2) = 16;                         // an item with no references and no skip never advances
        Assert.That(stuck.Offsets(), Is.Empty);
    }
}
