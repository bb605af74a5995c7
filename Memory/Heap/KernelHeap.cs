namespace MemOS.Memory.Heap;

/// <summary>
/// The kernel heap (kmalloc/kfree) in the kernel arena at 0xFFFF_C000_0000_0000, grown through the VMM.
/// Managed `new` in the kernel lands here through the allocation plugs, so no path in it allocates.
/// </summary>
public sealed class KernelHeap : HeapCore<HeapMemory>
{
    /// <summary>Where the kernel heap arena starts (DESIGN.md address-space layout).</summary>
    public static readonly VirtualAddress ArenaBase = new(0xFFFF_C000_0000_0000UL);

    /// <summary>A kernel heap over [heapBase, heapBase + maxSize); <paramref name="memory"/> null = raw pointers (on the metal).</summary>
    public KernelHeap(IVirtualMemory? memory, IHeapBacking backing, VirtualAddress heapBase, ulong maxSize, HeapOptions options = default)
        : base(new HeapMemory(memory), backing, heapBase, maxSize, options)
    {
        if ((heapBase.Value >> 47) == 0)
            throw new System.ArgumentException("the kernel heap lives in the higher half", nameof(heapBase));
    }
}
