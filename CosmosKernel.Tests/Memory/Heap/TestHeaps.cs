using MemOS.Memory;
using MemOS.Memory.Heap;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Heap;

/// <summary>The heap fixtures' common set-up: a heap over a whole test arena, and an allocation that must
/// succeed.</summary>
internal static class TestHeaps
{
    /// <summary>
    /// A heap over all of <paramref name="arena"/>: with raw pointers (the kernel heap's fast paths) on an identity
    /// arena, else reading and writing through the arena, which checks every access. Pages are committed through
    /// <paramref name="backing"/> when given (e.g. one that records them), else through the arena itself.
    /// </summary>
    public static HeapCore<HeapMemory> Over(TestArena arena, HeapOptions options, IHeapBacking? backing = null)
        => new(arena.IsIdentity ? HeapMemory.Direct : new HeapMemory(arena), backing ?? arena,
            new VirtualAddress(arena.Base), arena.Size, options);

    /// <summary>Allocate, failing the test if the heap refuses.</summary>
    public static VirtualAddress Alloc(this HeapCore<HeapMemory> heap, ulong size)
    {
        var r = heap.Allocate(size);
        Assert.That(r.Ok, Is.True, $"allocate {size}: {r.Error}");
        return r.Value;
    }
}
