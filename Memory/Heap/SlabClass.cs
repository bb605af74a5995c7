namespace MemOS.Memory.Heap;

/// <summary>
/// A heap's per-size-class state, kept together so the small fast path touches one cache line and one array.
/// Statistics are counts only (Live, Slots); byte totals are derived from them when asked for.
/// </summary>
internal struct SlabClass
{
    /// <summary>Head of the list of slabs with a free object (linked through the slab headers), or 0.</summary>
    public ulong Partial;
    /// <summary>Object size.</summary>
    public ulong Size;
    /// <summary>Bytes of objects in one slab (capacity × size): an offset at or past it is not an object.</summary>
    public ulong Objects;
    /// <summary>
    /// ceil(2^32 / Size): off / Size == (off × Reciprocal) >> 32 for every offset inside a slab (&lt; 2^16).
    /// </summary>
    public ulong Reciprocal;
    /// <summary>
    /// A slab of this class left empty and kept (on the partial list) for the next refill, or 0: a class whose last
    /// object comes and goes does not carve and release a slab each time. Trim gives it back.
    /// </summary>
    public ulong Empty;
    /// <summary>Live objects of this class.</summary>
    public ulong Live;
    /// <summary>Object slots in this class's slabs (live + free).</summary>
    public ulong Slots;
}
