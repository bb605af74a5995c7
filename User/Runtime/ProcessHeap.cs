using System.Runtime.CompilerServices;
using MemOS.Memory;
using MemOS.Memory.Heap;

namespace MemOS.User.Runtime;

/// <summary>
/// The process's own heap: Memory/'s UserHeap (the same heap code as the kernel heap) at 0x10000000, grown through
/// mmap. Managed `new`, NativeMemory and malloc land here through the allocation plugs (ManagedAllocator).
/// Backing: immediate unless the environment says MEMOS_BACKING=demand.
/// </summary>
public static unsafe class ProcessHeap
{
    /// <summary>Where the heap starts, and the most it may grow to.</summary>
    public const ulong Base = 0x1000_0000, MaxSize = 128UL * 1024 * 1024;

    private static UserHeap? s_heap;
    private static MmapHeapBacking? s_backing;

    public static UserHeap Heap => s_heap!;

    public static MmapHeapBacking Backing => s_backing!;

    internal static void Create(bool immediate)
    {
        s_backing = new MmapHeapBacking(immediate);
        s_heap = new UserHeap(null, s_backing, new VirtualAddress(Base), MaxSize);
    }

    /// <summary>Zeroed memory from the heap, or null when the heap (or the kernel) refuses.</summary>
    public static void* TryAllocate(ulong size, ulong alignment = 16)
    {
        Result<VirtualAddress> r = s_heap!.Allocate(size, alignment < 16 ? 16 : alignment);
        if (!r.Ok) return null;
        Unsafe.InitBlockUnaligned((void*)r.Value.Value, 0, (uint)size);
        return (void*)r.Value.Value;
    }

    /// <summary>Memory from the heap without zeroing it (the collector's own tables), or null.</summary>
    public static void* TryAllocateRaw(ulong size)
    {
        Result<VirtualAddress> r = s_heap!.Allocate(size, 16);
        return r.Ok ? (void*)r.Value.Value : null;
    }

    /// <summary>realloc: resized in place when the heap can, else moved; bytes past the old size zeroed; null when
    /// the heap refuses (the old block is untouched).</summary>
    public static void* TryReallocate(void* pointer, nuint size)
    {
        var address = new VirtualAddress((ulong)pointer);
        Result<ulong> old = s_heap!.SizeOf(address);
        if (!old.Ok) return null;
        Result<VirtualAddress> r = s_heap.Reallocate(address, size);
        if (!r.Ok) return null;
        if (size > old.Value)
            Unsafe.InitBlockUnaligned((byte*)r.Value.Value + old.Value, 0, (uint)(size - (nuint)old.Value));
        return (void*)r.Value.Value;
    }

    /// <summary>Gives a block back; the heap's verdict (BadPointer,
    /// DoubleFree...) for anything it did not hand out.</summary>
    public static MemoryError Free(void* pointer) => s_heap!.Free(new VirtualAddress((ulong)pointer));
}
