namespace MemOS.Memory;

/// <summary>
/// Where a heap gets pages: the VMM. A heap grows by asking for pages at its end and gives trailing free
/// pages back. Whether pages come immediately or on first touch is the backing's policy, not the heap's.
/// </summary>
public interface IHeapBacking
{
    /// <summary>
    /// Make [start, start + length) usable. Page aligned. Error (e.g. OutOfMemory, NoSpace) leaves nothing mapped.
    /// </summary>
    MemoryError Extend(VirtualAddress start, ulong length);

    /// <summary>Unmap [start, start + length) and return its frames. Page aligned.</summary>
    MemoryError Release(VirtualAddress start, ulong length);

    /// <summary>
    /// Make the heap's coming writes to [start, start + length) (inside what Extend made usable) safe: each page gets
    /// a private writable frame now, or, for a demand page, a frame charged to it that its first-touch fault takes,
    /// so the heap never depends on a fault that can fail. OutOfMemory (before the heap changes anything) when a
    /// page can be neither backed nor charged.
    /// </summary>
    MemoryError Commit(VirtualAddress start, ulong length);

    /// <summary>
    /// Return the frames of the whole pages [start, start + length) inside the heap (page aligned) without giving up
    /// the addresses: the pages come back through Commit or on demand.
    /// </summary>
    MemoryError Decommit(VirtualAddress start, ulong length);
}
