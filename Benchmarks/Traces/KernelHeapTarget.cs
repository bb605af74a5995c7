using System;
using System.Runtime.InteropServices;
using MemOS.Benchmarks.Allocators;
using MemOS.Memory;

namespace MemOS.Benchmarks.Traces;

/// <summary>
/// KernelHeap (HeapCore in raw-pointer mode over a native block, as in the churn benchmarks) as a replay target.
/// malloc(0) asks for 1 byte (C gives a unique pointer; the heap refuses 0). The heap has no realloc yet, so realloc
/// is malloc + copy + free (<see cref="ReallocByCopy"/>); a free the heap refuses is an exception, never ignored.
/// </summary>
public sealed unsafe class KernelHeapTarget : IReplayTarget
{
    private readonly KernelHeapAllocator _allocator = new(AllocatorCatalog.ArenaBytes);

    public string Name => AllocatorCatalog.KernelHeap;

    public KernelHeapAllocator Allocator => _allocator;

    public nint Malloc(nuint size) => Allocate(size, 16);

    public nint Calloc(nuint size)
    {
        nint p = Allocate(size, 16);
        if (p != 0) NativeMemory.Clear((void*)p, size);
        return p;
    }

    public nint Memalign(nuint alignment, nuint size) => Allocate(size, alignment < 16 ? 16 : alignment);

    // The one line to change when the heap gets an in-place realloc (HeapCore.Realloc).
    public nint Realloc(nint block, nuint oldSize, nuint newSize) => ReallocByCopy(block, oldSize, newSize);

    public void Free(nint block)
    {
        MemoryError error = _allocator.Heap.Free(new VirtualAddress((ulong)block));
        if (error != MemoryError.None)
            throw new InvalidOperationException($"KernelHeap refused free(0x{block:x}): {error}");
    }

    /// <summary>What a heap without realloc does: a new block, the smaller size copied, the old block freed.</summary>
    private nint ReallocByCopy(nint block, nuint oldSize, nuint newSize)
    {
        nint p = Allocate(newSize, 16);
        if (p == 0) return 0;
        Buffer.MemoryCopy((void*)block, (void*)p, newSize, Math.Min(oldSize, newSize));
        Free(block);
        return p;
    }

    private nint Allocate(nuint size, nuint alignment)
    {
        var result = _allocator.Heap.Allocate(size == 0 ? 1 : size, alignment);
        return result.Ok ? (nint)result.Value.Value : 0;
    }

    public void Dispose() => _allocator.Dispose();
}
