using MemOS.Memory;

namespace MemOS.User.Runtime;

/// <summary>
/// The process heap's backing: pages at the heap's end come from mmap (MAP_FIXED at exactly that address), with
/// MAP_POPULATE for immediate backing or without it for demand backing; trimmed pages go back through munmap.
/// </summary>
public sealed class MmapHeapBacking : IHeapBacking
{
    public MmapHeapBacking(bool immediate) => Immediate = immediate;

    /// <summary>True: frames at mmap time (MAP_POPULATE); false: on first touch.</summary>
    public bool Immediate { get; }

    /// <summary>The -errno of the last refused mmap (0 when none was refused).</summary>
    public long LastError { get; private set; }

    public MemoryError Extend(VirtualAddress start, ulong length)
    {
        long result = Linux.MapAnonymousMemory(start.Value, length, Linux.ProtRead | Linux.ProtWrite, true, Immediate);
        if (result == (long)start.Value) return MemoryError.None;
        LastError = result < 0 ? result : 0;
        if (result >= 0) Linux.Unmap((ulong)result, length); // a kernel that ignored MAP_FIXED: give it back
        return MemoryError.OutOfMemory;
    }

    public MemoryError Release(VirtualAddress start, ulong length)
        => Linux.Unmap(start.Value, length) == 0 ? MemoryError.None : MemoryError.InvalidArgument;

    /// <summary>
    /// In a process a page the heap writes faults in the process itself (which the kernel may end): nothing to do
    /// beforehand.
    /// </summary>
    public MemoryError Commit(VirtualAddress start, ulong length) => MemoryError.None;

    /// <summary>Fresh demand pages mapped over the range (MAP_FIXED, no populate): the old frames go back.</summary>
    public MemoryError Decommit(VirtualAddress start, ulong length)
        => Linux.MapAnonymousMemory(start.Value, length, Linux.ProtRead | Linux.ProtWrite, true, false)
           == (long)start.Value ? MemoryError.None : MemoryError.OutOfMemory;
}
