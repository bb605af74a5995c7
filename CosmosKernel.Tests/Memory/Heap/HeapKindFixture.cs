using MemOS.Memory;
using MemOS.Memory.Heap;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Heap;

/// <summary>
/// A fixture run on both kinds of heap: raw pointers over an identity arena (the kernel heap's fast paths) and reads
/// through IHeapWords (the general path only). Each test gets a fresh 16 MiB heap; both kinds must give the same
/// answers.
/// </summary>
public abstract class HeapKindFixture
{
    private const ulong ArenaBytes = 16UL << 20;
    private readonly bool _direct;

    protected HeapKindFixture(bool direct) => _direct = direct;

    protected TestArena Arena { get; private set; } = null!;
    protected HeapCore<HeapMemory> Heap { get; private set; } = null!;

    [SetUp]
    public void MakeHeap()
    {
        Arena = _direct ? TestArena.Identity(ArenaBytes) : new TestArena(ArenaBytes);
        Heap = TestHeaps.Over(Arena, new HeapOptions { CommitBlocks = true });
    }

    [TearDown]
    public void DisposeArena() => Arena.Dispose();

    protected VirtualAddress Alloc(ulong size) => Heap.Alloc(size);
}
