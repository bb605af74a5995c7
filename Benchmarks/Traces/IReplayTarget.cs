using System;

namespace MemOS.Benchmarks.Traces;

/// <summary>An allocator as a trace replay drives it: the C heap calls, each returning 0 when out of memory.</summary>
public interface IReplayTarget : IDisposable
{
    string Name { get; }

    nint Malloc(nuint size);

    /// <summary>calloc(1, size): zeroed.</summary>
    nint Calloc(nuint size);

    nint Memalign(nuint alignment, nuint size);

    /// <summary>Resize a live block of <paramref name="oldSize"/> requested bytes, keeping its contents.</summary>
    nint Realloc(nint block, nuint oldSize, nuint newSize);

    void Free(nint block);
}
