using MemOS.Memory;
using MemOS.Memory.Heap;

namespace MemOS.Kernel.MemoryManagement;

/// <summary>
/// The bridge from .NET allocation to the kernel heap: once installed, every managed `new` (and NativeMemory) is a
/// block of the kernel heap, zeroed as the runtime expects, and GC.GetGCMemoryInfo reports the heap's figures.
/// </summary>
internal static unsafe class ManagedAllocation
{
    public static void Install()
    {
        Plugs.ManagedAllocator.Install("kernel heap", &Allocate, &Free);
        Plugs.ManagedAllocator.InstallReallocate(&Reallocate);
        Plugs.GcReporting.Install(&Report);
    }

    private static void* Allocate(nuint size, nuint alignment)
    {
        KernelMemory? m = KernelMemory.Current;
        if (m == null) return null;
        Result<VirtualAddress> r = m.Heap.Allocate(size, alignment < 16 ? 16 : alignment);
        if (!r.Ok) return null;
        System.Runtime.CompilerServices.Unsafe.InitBlockUnaligned((void*)r.Value.Value, 0, (uint)size);
        return (void*)r.Value.Value;
    }

    // realloc: in place when the heap can (HeapCore.Realloc.cs); the bytes it adds are zeroed like a new block's.
    private static void* Reallocate(void* pointer, nuint size)
    {
        KernelMemory? m = KernelMemory.Current;
        if (m == null) return null;
        var address = new VirtualAddress((ulong)pointer);
        Result<ulong> old = m.Heap.SizeOf(address);
        if (!old.Ok) return null;
        Result<VirtualAddress> r = m.Heap.Reallocate(address, size);
        if (!r.Ok) return null;
        if (size > old.Value)
            System.Runtime.CompilerServices.Unsafe.InitBlockUnaligned(
                (byte*)r.Value.Value + old.Value, 0, (uint)(size - (nuint)old.Value));
        return (void*)r.Value.Value;
    }

    private static bool Free(void* pointer)
        => KernelMemory.Current is { } m && m.Heap.Free(new VirtualAddress((ulong)pointer)) == MemoryError.None;

    private static Plugs.GcReporting.HeapFigures Report()
    {
        KernelMemory m = KernelMemory.Current!;
        HeapStatistics s = m.Heap.Statistics();
        return new Plugs.GcReporting.HeapFigures
        {
            UsedBytes = (long)s.UsedBytes,
            HeapSizeBytes = (long)s.HeapSize,
            FreeBytes = (long)s.FreeBytes,
            TotalAvailableBytes = (long)(m.Pmm.Statistics.UsableFrames * PhysicalAddress.FrameSize),
        };
    }
}
