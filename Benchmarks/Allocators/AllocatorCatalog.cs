using System;
using System.Collections.Generic;

namespace MemOS.Benchmarks.Allocators;

/// <summary>Every allocator the benchmarks compare, by name; native ones are skipped with a note when
/// missing.</summary>
public static class AllocatorCatalog
{
    /// <summary>Arena for the MemOS heaps: larger than any workload's peak, committed lazily by the host.</summary>
    public const ulong ArenaBytes = 1UL << 30;

    public const string KernelHeap = "KernelHeap", FirstFit = "FirstFitHeap", Glibc = "glibc", Mimalloc = "mimalloc",
        Jemalloc = "jemalloc";

    public static readonly string[] All = [KernelHeap, FirstFit, Glibc, Mimalloc, Jemalloc];

    /// <summary>A fresh allocator, or null (with the reason in <paramref name="problem"/>) when its library is
    /// missing.</summary>
    public static IAllocator? Create(string name, out string? problem)
    {
        problem = null;
        return name switch
        {
            KernelHeap => new KernelHeapAllocator(ArenaBytes),
            FirstFit => new FirstFitAllocator(ArenaBytes),
            Glibc => NativeAllocator.TryLoad(Glibc, "libc.so.6", ["malloc"], ["free"], out problem),
            Mimalloc => NativeAllocator.TryLoad(Mimalloc, "libmimalloc.so.2", ["mi_malloc"], ["mi_free"], out problem),
            // Debian's libjemalloc2 exports plain malloc/free (no je_ prefix); take je_* first where a build has them.
            Jemalloc => NativeAllocator.TryLoad(Jemalloc, "libjemalloc.so.2", ["je_malloc", "malloc"],
                ["je_free", "free"], out problem),
            _ => throw new ArgumentException("unknown allocator " + name, nameof(name)),
        };
    }

    /// <summary>The names whose allocator can be created here; prints a note for each that cannot.</summary>
    public static List<string> Available()
    {
        var names = new List<string>();
        foreach (var name in All)
        {
            using var allocator = Create(name, out string? problem);
            if (allocator is null) Console.WriteLine("note: skipping " + problem);
            else names.Add(name);
        }
        return names;
    }
}
