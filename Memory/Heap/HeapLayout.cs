using System.Runtime.CompilerServices;

namespace MemOS.Memory.Heap;

/// <summary>
/// The words every heap block starts with, at block address x (the payload starts at x + <see cref="Bytes"/>).
/// Word 0: size (multiple of 16) | Used | PrevFree | kind. Word 1: the seal, hash(x) ^ word 0 (PrevFree left out),
/// which binds a header to its address, so a stray or interior pointer is recognised without a side table.
/// </summary>
internal static class BlockHeader
{
    public const ulong SizeWord = 0, SealWord = 8;
    /// <summary>Header bytes: a block's payload starts this far into it.</summary>
    public const ulong Bytes = 16;
}

/// <summary>
/// A free medium block: its header, then the links of its bin's list, and its size again in its last word (the
/// footer), so the block after it can find it and merge.
/// </summary>
internal static class FreeBlock
{
    public const ulong Next = 16, Prev = 24;
    /// <summary>First byte past the links: what poisoning fills up to the footer.</summary>
    public const ulong Body = 32;
    /// <summary>
    /// The footer is the last word: at x + size - FooterBytes (or x - FooterBytes for the block before x).
    /// </summary>
    public const ulong FooterBytes = 8;
    /// <summary>Smallest block: header, links and footer fit.</summary>
    public const ulong MinSize = 48;
}

/// <summary>
/// A slab's header at s, the payload of a slab block: the sealed info word (size class, capacity, span in granules),
/// the bitmap of free objects (bit set = free), and the links of its class's partial-slab list. Objects follow at
/// s + <see cref="Bytes"/>, which is on a 512-byte granule.
/// </summary>
internal static class SlabHeader
{
    public const ulong Info = 0, FreeMap = 8, Next = 16, Prev = 24;
    /// <summary>Header bytes: the first object is at s + Bytes.</summary>
    public const ulong Bytes = 32;
    /// <summary>Mixed into the sealed info word so a block header can never pass for a slab header.</summary>
    public const ulong Tag = 0x51AB_0000_0000_0000;

    /// <summary>Info word: class in bits 0-7, capacity in 8-15, span in granules in 16-23; nothing above.</summary>
    public static ulong MakeInfo(int sizeClass, int capacity, int granules)
        => (uint)sizeClass | ((ulong)(uint)capacity << 8) | ((ulong)(uint)granules << 16);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Class(ulong info) => (int)(info & 0xFF);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Capacity(ulong info) => (int)((info >> 8) & 0xFF);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Granules(ulong info) => (int)(info >> 16);
    /// <summary>An unsealed info word that can be one: nothing above the span, a class that exists.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Plausible(ulong info) => (info >> 24) == 0 && (info & 0xFF) < SizeClasses.Count;
}
