using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace MemOS.Memory.Heap;

/// <summary>
/// The small-object size classes (16 B .. 2 KiB, four per power of two above 128) and their slab geometry.
/// A slab of class c holds Capacity(c) objects starting on a 512-byte granule boundary right after its 48 bytes of
/// headers, in a span of SpanGranules(c) granules; its medium block is BlockBytes(c) long.
/// </summary>
public static class SizeClasses
{
    public const int Count = 24;
    public const ulong MaxSize = 2048;
    /// <summary>Medium header (16) + slab header (32) in front of the objects.</summary>
    public const ulong SpanOverhead = 48;
    /// <summary>log2 of the granule: objects start on one, and the slab map has an entry per granule.</summary>
    public const int GranuleLog = 9;
    public const ulong Granule = 1UL << GranuleLog;

    private static ReadOnlySpan<ushort> Sizes =>
    [
        16, 32, 48, 64, 80, 96, 112, 128,
        160, 192, 224, 256, 320, 384, 448, 512,
        640, 768, 896, 1024, 1280, 1536, 1792, 2048,
    ];

    // Granules per slab, per class: the span of about 8..32 objects (8..24 above 256 B, to keep slabs of big objects
    // small) that wastes the fewest bytes per object on headers and tail. Where that waste is at most 16 B per
    // object the slab's block is the whole span, so such slabs tile the heap back to back with no alignment gap
    // (and measured on 16..256 B churn, larger spans' lower header cost outweighs the free slots they retain).
    // For sizes of a whole number of 256 B (and 1280, 1792) a 464 B tail is unavoidable: their block stops after
    // the objects, the tail stays free, and they take the smallest span of about eight objects.
    private static ReadOnlySpan<byte> Granules =>
    [
        1, 2, 3, 4, 4, 5, 6, 8,
        7, 11, 8, 16, 12, 16, 15, 9,
        14, 13, 16, 17, 21, 25, 29, 29,
    ];

    /// <summary>Object size of a class.</summary>
    public static ulong Size(int index) => Sizes[index];

    /// <summary>Class for a request of 1..MaxSize bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int IndexOf(ulong size)
    {
        if (size <= 128) return (int)((size - 1) >> 4);
        ulong s = size - 1;
        int lg = BitOperations.Log2(s);
        return 8 + (lg - 7) * 4 + (int)((s >> (lg - 2)) & 3);
    }

    /// <summary>Granules a slab of the class spans (headers, objects and an unused tail).</summary>
    public static int SpanGranules(int index) => Granules[index];

    /// <summary>Bytes of one slab block: a whole number of granules.</summary>
    public static ulong SpanBytes(int index) => (ulong)Granules[index] << GranuleLog;

    /// <summary>Objects per span: as many as fit after the headers, at most 64 (one bitmap word).</summary>
    public static int Capacity(int index)
        => (int)Math.Min(64, (SpanBytes(index) - SpanOverhead) / Size(index));

    /// <summary>
    /// The slab's medium block: the whole span when its unused tail costs at most 16 B per object (the block then
    /// ends 48 B before a granule, where the next slab's block starts), else the headers and objects only.
    /// </summary>
    public static ulong BlockBytes(int index)
    {
        ulong span = SpanBytes(index), objects = (ulong)Capacity(index) * Size(index);
        return span - objects <= 16 * (ulong)Capacity(index) ? span : SpanOverhead + objects;
    }
}
