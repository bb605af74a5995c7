namespace MemOS.Memory.Heap;

/// <summary>
/// Side table of a heap: for each 512-byte granule of the heap's range, the window size (log2) of the slab whose
/// objects cover it, or 0. free(p) reads one nibble instead of probing a header per window size.
/// </summary>
/// <remarks>
/// 512 B is the smallest slab window and windows are aligned to their size, so no granule holds objects of two
/// slabs. The table is only a hint: the slab header it leads to is still checked against its seal.
/// Sized at construction (maxSize / 1024 bytes: 1 MiB for a 1 GiB heap); lookups and updates never allocate.
/// </remarks>
internal readonly struct SlabMap
{
    public const int GranuleLog = SizeClasses.MinSpanLog;
    private readonly byte[] _nibbles;

    public SlabMap(ulong maxSize) => _nibbles = new byte[(maxSize >> (GranuleLog + 1)) + 1];

    /// <summary>Bytes the table takes (outside the heap's range: a managed array made at construction).</summary>
    public ulong Bytes => (ulong)_nibbles.Length;

    /// <summary>Window log of the slab covering granule <paramref name="g"/>, or 0.</summary>
    public int Get(ulong g) => (_nibbles[g >> 1] >> (int)((g & 1) << 2)) & 0xF;

    /// <summary>Mark granules [first, last] as covered by a slab of window 2^log (0 clears).</summary>
    public void Set(ulong first, ulong last, int log)
    {
        byte value = (byte)(log == 0 ? 0 : log - GranuleLog + 1);
        for (ulong g = first; g <= last; g++)
        {
            int shift = (int)((g & 1) << 2);
            _nibbles[g >> 1] = (byte)((_nibbles[g >> 1] & ~(0xF << shift)) | (value << shift));
        }
    }

    /// <summary>The log stored by Set, from a Get result.</summary>
    public static int LogOf(int value) => value + GranuleLog - 1;
}
