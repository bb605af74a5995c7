using System.Runtime;
using System.Runtime.CompilerServices;
using MemOS.Core;
using MemOS.Kernel.Hardware;
using MemOS.Memory;
using MemOS.Plugs;

namespace MemOS.Kernel.MemoryManagement;

/// <summary>
/// Garbage collection for the kernel heap: Core's conservative collector with MemOS's roots — the kernel image's
/// data and bss (statics, handles, TLS), the live part of the kernel stack, and what the early allocator handed out.
/// It runs at a safe point, between shell commands, once enough has been allocated; `gc` runs it by hand.
/// </summary>
internal static unsafe class GarbageCollection
{
    /// <summary>Collect once this many bytes of objects were allocated since the last collection.</summary>
    public const ulong Threshold = 4UL * 1024 * 1024;

    public static ConservativeCollector.Result Last { get; private set; }
    public static ulong LastCycles { get; private set; }

    public static void Install()
    {
        ConservativeCollector.Install(&AllocateTable, &FreeTable, &FreeObject);
        ConservativeCollector.SetCollectHandler(&CollectNow); // GC.Collect()
    }

    private static void CollectNow() => Collect();

    public static void MaybeCollect()
    {
        if (ConservativeCollector.AllocatedSinceCollection >= Threshold) Collect();
    }

    public static ConservativeCollector.Result Collect()
    {
        ulong start = Cpu.ReadTsc();
        CallWithRegistersSaved(&CollectFrom);
        KernelMemory.Current!.Heap.Trim(); // what the collection freed goes back to the PMM (malloc_trim)
        LastCycles = Cpu.ReadTsc() - start;
        return Last;
    }

    // Roots: [data, end of image) less what is not mapped or cannot hold references: the freed boot page tables,
    // the stack guard page with the dead stack below rsp, and the early block's unused tail.
    private static void CollectFrom(ulong rsp)
    {
        KernelMemory m = KernelMemory.Current!;
        const int Holes = 3;
        ulong* holeStart = stackalloc ulong[Holes];
        ulong* holeEnd = stackalloc ulong[Holes];
        holeStart[0] = m.Image.BootTablesStart; holeEnd[0] = m.Image.BootTablesEnd;
        holeStart[1] = m.Image.StackGuard; holeEnd[1] = rsp;
        holeStart[2] = EarlyAllocator.Start + EarlyAllocator.Used; holeEnd[2] = EarlyAllocator.End;
        // sort the holes by start (three: insertion sort)
        for (int i = 1; i < Holes; i++)
            for (int j = i; j > 0 && holeStart[j] < holeStart[j - 1]; j--)
            {
                (holeStart[j], holeStart[j - 1]) = (holeStart[j - 1], holeStart[j]);
                (holeEnd[j], holeEnd[j - 1]) = (holeEnd[j - 1], holeEnd[j]);
            }
        ulong* starts = stackalloc ulong[Holes + 2];
        ulong* ends = stackalloc ulong[Holes + 2];
        int n = 0;
        ulong cursor = m.Image.DataStart;
        for (int i = 0; i < Holes; i++)
        {
            if (holeEnd[i] <= holeStart[i]) continue;
            Add(starts, ends, ref n, cursor, holeStart[i]);
            if (holeEnd[i] > cursor) cursor = holeEnd[i];
        }
        Add(starts, ends, ref n, cursor, m.Image.End);
        Add(starts, ends, ref n, EarlyAllocator.ExtraStart, EarlyAllocator.ExtraStart + EarlyAllocator.ExtraUsed);
        Last = ConservativeCollector.Collect(starts, ends, n);
    }

    private static void Add(ulong* starts, ulong* ends, ref int n, ulong start, ulong end)
    {
        if (end <= start) return;
        starts[n] = start;
        ends[n] = end;
        n++;
    }

    private static void* AllocateTable(nuint size)
    {
        Result<VirtualAddress> r = KernelMemory.Current!.Heap.Allocate(size, 16);
        return r.Ok ? (void*)r.Value.Value : null;
    }

    private static void FreeTable(void* table) => KernelMemory.Current!.Heap.Free(new VirtualAddress((ulong)table));

    private static bool FreeObject(void* obj)
        => KernelMemory.Current!.Heap.Free(new VirtualAddress((ulong)ObjectLayout.BlockOf(obj))) == MemoryError.None;

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "memos_call_with_registers_saved")]
    private static extern void CallWithRegistersSaved(delegate*<ulong, void> function);
}
