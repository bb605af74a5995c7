using System.Collections.Generic;
using MemOS.Benchmarks.Allocators;

namespace MemOS.Benchmarks.Traces;

/// <summary>The allocators a trace is replayed against: KernelHeap and the three C allocators (first fit is
/// left out: at a program's thousands of live blocks it takes minutes per replay).</summary>
public static class TraceTargets
{
    public static readonly string[] Names =
        [AllocatorCatalog.KernelHeap, AllocatorCatalog.Glibc, AllocatorCatalog.Mimalloc, AllocatorCatalog.Jemalloc];

    public static IReplayTarget? Create(string name, out string? problem)
    {
        problem = null;
        return name == AllocatorCatalog.KernelHeap ? new KernelHeapTarget() : NativeTarget.TryLoad(name, out problem);
    }

    /// <summary>The names whose allocator loads here; a note for each that does not.</summary>
    public static List<string> Available()
    {
        var names = new List<string>();
        foreach (var name in Names)
        {
            using var target = Create(name, out string? problem);
            if (target is null) System.Console.WriteLine("note: skipping " + problem);
            else names.Add(name);
        }
        return names;
    }
}
