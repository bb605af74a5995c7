namespace MemOS.Memory.Heap;

/// <summary>
/// A process's heap (malloc/free) in the user half of its address space, grown brk-style through the VMM.
/// The same algorithm as the kernel heap; memory is reached through that address space.
/// </summary>
public sealed class UserHeap : HeapCore<HeapMemory>
{
    /// <summary>A user heap over [heapBase, heapBase + maxSize) in the lower half; <paramref name="memory"/> null = raw pointers.</summary>
    public UserHeap(IVirtualMemory? memory, IHeapBacking backing, VirtualAddress heapBase, ulong maxSize, HeapOptions options = default)
        : base(new HeapMemory(memory), backing, heapBase, maxSize, options)
    {
        if (heapBase.Value < 0x40_0000UL || ((heapBase.Value + maxSize - 1) >> 47) != 0)
            throw new System.ArgumentException("a user heap lives in user space, above the null guard", nameof(heapBase));
    }
}
