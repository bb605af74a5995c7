using System;

namespace MemOS.Memory.Heap;

/// <summary>
/// A process's heap: malloc/free in the user half of one address space, grown brk-style at its end.
/// </summary>
/// <remarks>
/// What makes it a user heap, as opposed to the <see cref="KernelHeap"/> running the same
/// <see cref="HeapCore{TMemory}"/> algorithm:
/// <list type="bullet">
/// <item>It lives in the lower half, above the 4 MiB null guard (a process's at 0x10000000: User/Runtime's
/// ProcessHeap), in pages marked User: it belongs to one address space, not to all.</item>
/// <item>It is run by its process, in ring 3, on raw pointers; the kernel never reads its words (the host tests reach
/// them through an <see cref="IHeapWords"/> that walks the simulated machine's page tables).</item>
/// <item>It grows through mmap in a process (a user region of the VMM in the host tests); with demand backing its
/// pages arrive on first touch, through the page-fault resolver.</item>
/// </list>
/// </remarks>
public sealed class UserHeap : HeapCore<HeapMemory>
{
    /// <summary>Lowest user address a heap may use: below it is the null guard.</summary>
    public const ulong NullGuardEnd = 0x40_0000UL;

    /// <summary>
    /// A user heap over [heapBase, heapBase + maxSize) in the lower half, grown through <paramref name="backing"/>;
    /// <paramref name="memory"/> null = raw pointers.
    /// </summary>
    public UserHeap(IHeapWords? memory, IHeapBacking backing, VirtualAddress heapBase, ulong maxSize,
        HeapOptions options = default)
        : base(new HeapMemory(memory), backing, heapBase, maxSize, options)
    {
        if (heapBase.Value < NullGuardEnd || ((heapBase.Value + maxSize - 1) >> 47) != 0)
            throw new ArgumentException("a user heap lives in user space, above the null guard", nameof(heapBase));
    }
}
