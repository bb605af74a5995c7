using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MemOS.Memory.Heap;

/// <summary>
/// How a heap core reads its own memory: through an IHeapWords (simulated machine, another address
/// space), or, when none is given, through raw pointers (the kernel arena, or native memory in benchmarks).
/// A struct so the generic core inlines the pointer path; the null test is one predictable branch.
/// </summary>
public readonly unsafe struct HeapMemory : IHeapWords
{
    private readonly IHeapWords? _memory;

    /// <summary>
    /// Access through <paramref name="memory"/>; null means raw pointers (the address is dereferenced).
    /// </summary>
    public HeapMemory(IHeapWords? memory) => _memory = memory;

    /// <summary>Raw-pointer access: the heap's virtual addresses are directly dereferenceable.</summary>
    public static HeapMemory Direct => default;

    /// <summary>Raw pointers: the heap's fast paths read and write its words directly.</summary>
    public bool IsDirect => _memory is null;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Read64(VirtualAddress address)
        => _memory is null ? *(ulong*)address.Value : _memory.Read64(address);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write64(VirtualAddress address, ulong value)
    {
        if (_memory is null) *(ulong*)address.Value = value;
        else _memory.Write64(address, value);
    }

    public void Fill(VirtualAddress address, byte value, ulong length)
    {
        if (_memory is null) NativeMemory.Fill((void*)address.Value, (nuint)length, value);
        else _memory.Fill(address, value, length);
    }
}
