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
}
