using System.Runtime.CompilerServices;

namespace MemOS.Memory.Heap;

/// <summary>
/// Side table of a heap: for each 512-byte granule of the heap's range, 1 + its distance (in granules) from the first
/// granule of the slab whose objects cover it, or 0. free(p) reads one byte and finds the slab header by subtraction.
/// </summary>
/// <remarks>
/// A slab's objects start on a granule boundary after its headers, so no granule holds objects of two slabs.
/// The table is only a hint: the slab header it leads to is still checked against its seal.
/// Sized at construction (maxSize / 512 bytes: 2 MiB for a 1 GiB heap); lookups and updates never allocate.
/// </remarks>
internal readonly struct SlabMap
{
    public const int GranuleLog = SizeClasses.GranuleLog;
    private readonly byte[] _entries;

    public SlabMap(ulong maxSize) => _entries = new byte[(maxSize >> GranuleLog) + 1];

    /// <summary>Bytes the table takes (outside the heap's range: a managed array made at construction).</summary>
    public ulong Bytes => (ulong)_entries.Length;

    /// <summary>1 + the distance of granule <paramref name="g"/> from its slab's first object granule, or 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Get(ulong g) => _entries[g];

    /// <summary>
    /// Mark granules [first, last] as one slab's objects (1, 2, ...), or with <paramref name="clear"/> erase them.
    /// </summary>
    public void Set(ulong first, ulong last, bool clear)
    {
        for (ulong g = first; g <= last; g++) _entries[g] = clear ? (byte)0 : (byte)(g - first + 1);
    }
}
