using System;
using System.Numerics;

namespace MemOS.Memory.Heap;

/// <summary>
/// The small-object size classes (16 B .. 2 KiB, four per power of two above 128) and their slab geometry.
/// A slab span of class c holds Capacity(c) objects in one naturally aligned window of 2^SpanLog(c) bytes.
/// </summary>
public static class SizeClasses
{
    public const int Count = 24;
    public const ulong MaxSize = 2048;
    /// <summary>Medium header (16) + slab header (32) in front of the objects.</summary>
    public const ulong SpanOverhead = 48;
    public const int MinSpanLog = 9;
    public const int MaxSpanLog = 14;

    private static ReadOnlySpan<ushort> Sizes =>
    [
        16, 32, 48, 64, 80, 96, 112, 128,
        160, 192, 224, 256, 320, 384, 448, 512,
        640, 768, 896, 1024, 1280, 1536, 1792, 2048,
    ];

    /// <summary>Object size of a class.</summary>
    public static ulong Size(int index) => Sizes[index];

    /// <summary>Class for a request of 1..MaxSize bytes.</summary>
    public static int IndexOf(ulong size)
    {
        if (size <= 128) return (int)((size - 1) >> 4);
        ulong s = size - 1;
        int lg = BitOperations.Log2(s);
        return 8 + (lg - 7) * 4 + (int)((s >> (lg - 2)) & 3);
    }

    /// <summary>log2 of the span window: at least 512 B, room for about eight objects.</summary>
    public static int SpanLog(int index)
        => Math.Max(MinSpanLog, BitOperations.Log2(BitOperations.RoundUpToPowerOf2(8 * Size(index))));

    /// <summary>Objects per span: as many as fit after the headers, at most 64 (one bitmap word).</summary>
    public static int Capacity(int index)
        => (int)Math.Min(64, ((1UL << SpanLog(index)) - SpanOverhead) / Size(index));
}
