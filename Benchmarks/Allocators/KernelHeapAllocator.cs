using MemOS.Memory;
using MemOS.Memory.Heap;

namespace MemOS.Benchmarks.Allocators;

/// <summary>
/// The kernel heap's algorithm in raw-pointer mode (HeapMemory.Direct) over a native block, exactly as it runs on
/// the metal. KernelHeap itself insists on a higher-half base, which no host block has, so this constructs the
/// HeapCore&lt;HeapMemory&gt; that KernelHeap derives from without adding any code.
/// </summary>
public sealed class KernelHeapAllocator : IAllocator
{
    private readonly NativeArena _arena;

    public KernelHeapAllocator(ulong arenaBytes)
    {
        _arena = new NativeArena(arenaBytes);
        Heap = new HeapCore<HeapMemory>(HeapMemory.Direct, new NullBacking(), new VirtualAddress(_arena.Base),
            arenaBytes, default);
    }

    public string Name => "KernelHeap";

    public HeapCore<HeapMemory> Heap { get; }

    public nint Allocate(nuint size)
    {
        var result = Heap.Allocate(size);
        return result.Ok ? (nint)result.Value.Value : 0;
    }

    public void Free(nint block) => Heap.Free(new VirtualAddress((ulong)block));

    public void Dispose() => _arena.Dispose();
}
