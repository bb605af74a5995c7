using System;

namespace MemOS.Memory.Heap;

/// <summary>
/// The kernel heap: kmalloc/kfree for the kernel itself, and the allocator behind every managed `new` in the
/// kernel (the allocation plugs call <see cref="HeapCore{TMemory}.Allocate"/> and Free).
/// </summary>
/// <remarks>
/// What makes it the kernel heap, as opposed to a <see cref="UserHeap"/> running the same
/// <see cref="HeapCore{TMemory}"/> algorithm:
/// <list type="bullet">
/// <item>It lives in the higher half, in the kernel arena (the kernel places it at KernelLayout.KernelHeapBase,
/// 1 GiB long), which every address space shares: a kernel block is valid whichever process is current.</item>
/// <item>It reads its own headers through raw pointers (<see cref="HeapMemory.Direct"/>, memory null): its pages
/// are supervisor-only, so no SMAP window is needed, and an untouched demand page faults like any other access.</item>
/// <item>It grows through a kernel region of the VMM (a <c>RegionHeapBacking</c>): the pages come from the PMM,
/// when the heap grows, whatever the user-memory `mode` says, and every block's pages are backed when it is carved
/// (HeapOptions.CommitBlocks), so kernel code never takes a fault that could fail for want of a frame.</item>
/// <item>Because managed `new` lands here, nothing on its paths may allocate managed memory: its metadata is in
/// its own pages, plus the slab map and per-class arrays made once at construction.</item>
/// </list>
/// </remarks>
public sealed class KernelHeap : HeapCore<HeapMemory>
{
    /// <summary>
    /// A kernel heap over [heapBase, heapBase + maxSize) in the higher half, grown through
    /// <paramref name="backing"/>; <paramref name="memory"/> null = raw pointers (on the metal).
    /// </summary>
    public KernelHeap(IHeapWords? memory, IHeapBacking backing, VirtualAddress heapBase, ulong maxSize,
        HeapOptions options = default)
        : base(new HeapMemory(memory), backing, heapBase, maxSize, options with { CommitBlocks = true })
    {
        if ((heapBase.Value >> 47) == 0)
            throw new ArgumentException("the kernel heap lives in the higher half", nameof(heapBase));
    }
}
