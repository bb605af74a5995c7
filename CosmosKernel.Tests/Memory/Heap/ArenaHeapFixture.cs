using MemOS.Memory;
using MemOS.Memory.Heap;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Heap;

/// <summary>
/// The set-up many heap fixtures share: a fresh 16 MiB test arena (identity-mapped when the heap must be a
/// raw-pointer one, so its fast paths run) and a heap over it with the fixture's options, disposed after each test.
/// </summary>
public abstract class ArenaHeapFixture
{
    private readonly HeapOptions _options;
    private readonly bool _identity;

    protected ArenaHeapFixture(HeapOptions options, bool identity = false)
    {
        _options = options;
        _identity = identity;
    }

    protected TestArena Arena { get; private set; } = null!;
    protected HeapCore<HeapMemory> Heap { get; private set; } = null!;

    [SetUp]
    public void MakeArenaAndHeap()
    {
        Arena = _identity ? TestArena.Identity(16UL << 20) : new TestArena(16UL << 20);
        Heap = TestHeaps.Over(Arena, _options);
    }

    [TearDown]
    public void DisposeArena() => Arena.Dispose();

    protected VirtualAddress Alloc(ulong size) => Heap.Alloc(size);
}
