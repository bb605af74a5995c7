using System;
using System.Runtime.InteropServices;
using MemOS.Benchmarks.Allocators;
using MemOS.Memory;

namespace MemOS.Benchmarks.Traces;

/// <summary>
/// KernelHeap (HeapCore in raw-pointer mode over a native block, as in the churn benchmarks) as a replay target.
/// malloc(0) asks for 1 byte (C gives a unique pointer; the heap refuses 0); realloc is the heap's own (in place when
/// the next block or the top has room); a free the heap refuses is an exception, never ignored.
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

    public nint Realloc(nint block, nuint oldSize, nuint newSize)
    {
        var result = _allocator.Heap.Reallocate(new VirtualAddress((ulong)block), newSize == 0 ? 1 : newSize);
        return result.Ok ? (nint)result.Value.Value : 0;
    }

    public void Free(nint block)
    {
        MemoryError error = _allocator.Heap.Free(new VirtualAddress((ulong)block));
        if (error != MemoryError.None)
            throw new InvalidOperationException($"KernelHeap refused free(0x{block:x}): {error}");
    }

    private nint Allocate(nuint size, nuint alignment)
    {
        var result = _allocator.Heap.Allocate(size == 0 ? 1 : size, alignment);
        return result.Ok ? (nint)result.Value.Value : 0;
    }

    public void Dispose() => _allocator.Dispose();
}
