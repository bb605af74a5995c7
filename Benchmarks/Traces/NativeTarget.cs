using System;
using System.Runtime.InteropServices;
using MemOS.Benchmarks.Allocators;

namespace MemOS.Benchmarks.Traces;

/// <summary>
/// A C allocator as a replay target: malloc, calloc, realloc, an aligned allocation and free from its shared
/// library (the same libraries as <see cref="NativeAllocator"/>), called through unmanaged function pointers.
/// </summary>
public sealed unsafe class NativeTarget : IReplayTarget
{
    private readonly delegate* unmanaged<nuint, nint> _malloc;
    private readonly delegate* unmanaged<nuint, nuint, nint> _calloc;
    private readonly delegate* unmanaged<nint, nuint, nint> _realloc;
    private readonly delegate* unmanaged<nuint, nuint, nint> _aligned;
    private readonly delegate* unmanaged<nint, void> _free;
    private readonly bool _sizeFirst;

    private NativeTarget(string name, nint[] functions, bool sizeFirst)
    {
        Name = name;
        _malloc = (delegate* unmanaged<nuint, nint>)functions[0];
        _calloc = (delegate* unmanaged<nuint, nuint, nint>)functions[1];
        _realloc = (delegate* unmanaged<nint, nuint, nint>)functions[2];
        _aligned = (delegate* unmanaged<nuint, nuint, nint>)functions[3];
        _free = (delegate* unmanaged<nint, void>)functions[4];
        _sizeFirst = sizeFirst;
    }

    public string Name { get; }

    /// <summary>The target for a C allocator of <see cref="AllocatorCatalog"/>, or null with the reason.</summary>
    public static NativeTarget? TryLoad(string name, out string? problem)
    {
        problem = null;
        (string library, string[] symbols, bool sizeFirst) = name switch
        {
            AllocatorCatalog.Glibc => ("libc.so.6", new[] { "malloc", "calloc", "realloc", "aligned_alloc", "free" },
                false),
            // mi_malloc_aligned takes (size, alignment).
            AllocatorCatalog.Mimalloc => ("libmimalloc.so.2",
                new[] { "mi_malloc", "mi_calloc", "mi_realloc", "mi_malloc_aligned", "mi_free" }, true),
            // Debian's libjemalloc2 exports the plain names (see AllocatorCatalog).
            AllocatorCatalog.Jemalloc => ("libjemalloc.so.2",
                new[] { "malloc", "calloc", "realloc", "aligned_alloc", "free" }, false),
            _ => throw new ArgumentException("not a C allocator: " + name, nameof(name)),
        };
        if (!NativeLibrary.TryLoad(library, out nint handle))
        {
            problem = $"{name}: {library} not found (install it to include {name})";
            return null;
        }
        var functions = new nint[symbols.Length];
        for (int i = 0; i < symbols.Length; i++)
        {
            if (NativeLibrary.TryGetExport(handle, symbols[i], out functions[i])) continue;
            problem = $"{name}: {library} does not export {symbols[i]}";
            return null;
        }
        return new NativeTarget(name, functions, sizeFirst);
    }

    public nint Malloc(nuint size) => _malloc(size);

    public nint Calloc(nuint size) => _calloc(1, size);

    public nint Memalign(nuint alignment, nuint size)
        => _sizeFirst ? _aligned(size, alignment) : _aligned(alignment, size);

    public nint Realloc(nint block, nuint oldSize, nuint newSize) => _realloc(block, newSize);

    public void Free(nint block) => _free(block);

    // The library stays loaded: unloading an allocator that may still own blocks is unsafe.
    public void Dispose() { }
}
