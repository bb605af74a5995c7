using MemOS.Memory;
using MemOS.Memory.Heap;

namespace MemOS.Benchmarks.Allocators;

/// <summary>The seed's first-fit list heap (the baseline) in raw-pointer mode over a native block.</summary>
public sealed class FirstFitAllocator : IAllocator
{
    private readonly NativeArena _arena;

    public FirstFitAllocator(ulong arenaBytes)
    {
        _arena = new NativeArena(arenaBytes);
        Heap = new FirstFitHeap(null, new NullBacking(), new VirtualAddress(_arena.Base), arenaBytes);
    }

    public string Name => "FirstFitHeap";

    public FirstFitHeap Heap { get; }

    public nint Allocate(nuint size)
    {
        var result = Heap.Allocate(size);
        return result.Ok ? (nint)result.Value.Value : 0;
    }

    public void Free(nint block) => Heap.Free(new VirtualAddress((ulong)block));

    public void Dispose() => _arena.Dispose();
}
