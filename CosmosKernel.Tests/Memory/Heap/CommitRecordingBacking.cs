using System.Collections.Generic;
using MemOS.Memory;

namespace MemOS.Tests.Memory.Heap;

/// <summary>
/// A heap backing that passes every call on to a <see cref="TestArena"/> (which enforces mapping and decommitted
/// pages) and records the commit and decommit ranges the heap asks for, so tests can pin what is backed and
/// given back.
/// </summary>
internal sealed class CommitRecordingBacking : IHeapBacking
{
    private readonly TestArena _arena;

    public CommitRecordingBacking(TestArena arena) => _arena = arena;

    /// <summary>Commit requests as (start, length), in order.</summary>
    public List<(ulong Start, ulong Length)> Commits { get; } = new();

    /// <summary>Decommit requests as (start, length), in order.</summary>
    public List<(ulong Start, ulong Length)> Decommits { get; } = new();

    public void Clear()
    {
        Commits.Clear();
        Decommits.Clear();
    }

    public MemoryError Extend(VirtualAddress start, ulong length) => _arena.Extend(start, length);

    public MemoryError Release(VirtualAddress start, ulong length) => _arena.Release(start, length);

    public MemoryError Commit(VirtualAddress start, ulong length)
    {
        Commits.Add((start.Value, length));
        return _arena.Commit(start, length);
    }

    public MemoryError Decommit(VirtualAddress start, ulong length)
    {
        Decommits.Add((start.Value, length));
        return _arena.Decommit(start, length);
    }
}
