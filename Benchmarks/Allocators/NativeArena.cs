using System;
using System.Runtime.InteropServices;

namespace MemOS.Benchmarks.Allocators;

/// <summary>
/// A page-aligned block of host memory that stands in for a heap arena. Pages are committed lazily by the
/// host OS on first touch, so a generous size costs nothing until used.
/// </summary>
internal sealed unsafe class NativeArena : IDisposable
{
    private void* _block;

    public NativeArena(ulong size)
    {
        Size = size;
        _block = NativeMemory.AlignedAlloc((nuint)size, 4096);
    }

    public ulong Size { get; }

    public ulong Base => (ulong)_block;

    public void Dispose()
    {
        if (_block != null) NativeMemory.AlignedFree(_block);
        _block = null;
    }
}
