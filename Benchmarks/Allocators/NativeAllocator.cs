using System;
using System.Runtime.InteropServices;

namespace MemOS.Benchmarks.Allocators;

/// <summary>
/// A C allocator from a shared library, called through unmanaged function pointers (no P/Invoke marshalling
/// stub, so the call cost is as close to a C caller's as managed code gets).
/// </summary>
public sealed unsafe class NativeAllocator : IAllocator
{
    private readonly nint _library;
    private readonly delegate* unmanaged<nuint, nint> _malloc;
    private readonly delegate* unmanaged<nint, void> _free;

    private NativeAllocator(string name, nint library, nint malloc, nint free)
    {
        Name = name;
        _library = library;
        _malloc = (delegate* unmanaged<nuint, nint>)malloc;
        _free = (delegate* unmanaged<nint, void>)free;
    }

    public string Name { get; }

    /// <summary>Load <paramref name="library"/> and the first of each symbol pair it exports, or explain why
    /// not.</summary>
    public static NativeAllocator? TryLoad(string name, string library, string[] mallocNames, string[] freeNames,
        out string? problem)
    {
        problem = null;
        if (!NativeLibrary.TryLoad(library, out nint handle))
        {
            problem = $"{name}: {library} not found (install it to include {name})";
            return null;
        }
        nint malloc = Find(handle, mallocNames), free = Find(handle, freeNames);
        if (malloc == 0 || free == 0)
        {
            problem = $"{name}: {library} exports none of {string.Join("/", mallocNames)}"
                + $" or {string.Join("/", freeNames)}";
            NativeLibrary.Free(handle);
            return null;
        }
        return new NativeAllocator(name, handle, malloc, free);
    }

    private static nint Find(nint handle, string[] names)
    {
        foreach (var n in names)
            if (NativeLibrary.TryGetExport(handle, n, out nint address)) return address;
        return 0;
    }

    public nint Allocate(nuint size) => _malloc(size);

    public void Free(nint block) => _free(block);

    // The library stays loaded: other instances may still hold blocks from it, and unloading an allocator is unsafe.
    public void Dispose() => GC.KeepAlive(_library);
}
