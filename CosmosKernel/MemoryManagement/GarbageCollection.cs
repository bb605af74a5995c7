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
        => ConservativeCollector.Install(&AllocateTable, &FreeTable, &FreeObject);

    public static void MaybeCollect()
    {
        if (ConservativeCollector.AllocatedSinceCollection >= Threshold) Collect();
    }

    public static ConservativeCollector.Result Collect()
    {
        ulong start = Cpu.ReadTsc();
        CallWithRegistersSaved(&CollectFrom);
        LastCycles = Cpu.ReadTsc() - start;
        return Last;
    }

    // Roots: [data, end of image) less the dead part of the stack (below rsp) and the early block's unused tail.
    private static void CollectFrom(ulong rsp)
    {
        KernelMemory m = KernelMemory.Current!;
        ulong* starts = stackalloc ulong[4];
        ulong* ends = stackalloc ulong[4];
        int n = 0;
        ulong cursor = m.Image.DataStart;
        ulong holeA = m.Image.StackGuard, holeAEnd = rsp; // the unmapped guard page, then the dead stack below rsp
        ulong holeB = EarlyAllocator.Start + EarlyAllocator.Used, holeBEnd = EarlyAllocator.End;
        if (holeB > holeBEnd || EarlyAllocator.Start == 0) holeB = holeBEnd = 0;
        // the two holes in address order
        if (holeB != 0 && holeB < holeA) { (holeA, holeB) = (holeB, holeA); (holeAEnd, holeBEnd) = (holeBEnd, holeAEnd); }
        Add(starts, ends, ref n, cursor, holeA);
        cursor = holeAEnd;
        if (holeB != 0) { Add(starts, ends, ref n, cursor, holeB); cursor = holeBEnd; }
        Add(starts, ends, ref n, cursor, m.Image.End);
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

    private static bool FreeObject(void* obj) => KernelMemory.Current!.Heap.Free(new VirtualAddress((ulong)obj)) == MemoryError.None;

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "memos_call_with_registers_saved")]
    private static extern void CallWithRegistersSaved(delegate*<ulong, void> function);
}
