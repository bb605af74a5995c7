using System;

namespace MemOS.Benchmarks.Allocators;

/// <summary>
/// The one shape every allocator is driven through, so each workload runs the same code against all of them.
/// </summary>
public interface IAllocator : IDisposable
{
    /// <summary>Name used in tables, CSV and the plot.</summary>
    string Name { get; }

    /// <summary>A block of at least <paramref name="size"/> bytes, or 0 when the allocator is out of memory.</summary>
    nint Allocate(nuint size);

    /// <summary>Give back a block from <see cref="Allocate"/>.</summary>
    void Free(nint block);
}
