using System.Runtime;
using System.Runtime.CompilerServices;
using MemOS.Core;
using MemOS.Memory;
using MemOS.Plugs;

namespace MemOS.User.Runtime;

/// <summary>
/// Garbage collection in a process: Core's mostly precise collector, the same one the kernel uses. Core finds the
/// statics, handles and thread statics precisely; the process adds the live part of the user stack, with the
/// callee-saved registers spilled onto it, as the conservative root. It runs inside an allocation
/// once 4 MiB of objects were allocated since the last collection (caller-saved registers hold no live reference
/// across that call), when the heap refuses a request, and on GC.Collect().
/// </summary>
public static unsafe class ProcessCollector
{
    public const ulong Threshold = 4UL * 1024 * 1024;

    private static bool s_running;

    public static MarkSweepCollector.Result Last { get; private set; }

    internal static void Install()
    {
        MarkSweepCollector.Install(&AllocateTable, &FreeTable, &FreeObject);
        MarkSweepCollector.SetCollectHandler(&CollectNow);
    }

    private static void CollectNow() => Collect();

    internal static void MaybeCollect()
    {
        if (MarkSweepCollector.AllocatedSinceCollection >= Threshold) Collect();
    }

    public static MarkSweepCollector.Result Collect()
    {
        if (s_running) return default;
        s_running = true;
        MarkSweepCollector.ClearDeadStack(16 * 1024); // the user stack is megabytes: stale addresses are cleared
        CallWithRegistersSaved(&CollectFrom);
        s_running = false;
        return Last;
    }

    private static void CollectFrom(ulong rsp)
    {
        ulong* starts = stackalloc ulong[2];
        ulong* ends = stackalloc ulong[2];
        int n = 0;
        starts[n] = rsp; ends[n++] = InitialStack.Top;
        // Too many early objects for the permanent table: their block is scanned as it was before the table existed.
        if (MarkSweepCollector.PermanentTableOverflowed)
        {
            starts[n] = EarlyAllocator.Start;
            ends[n++] = EarlyAllocator.Start + EarlyAllocator.Used;
        }
        Last = MarkSweepCollector.Collect(starts, ends, n);
    }

    private static void* AllocateTable(nuint size) => ProcessHeap.TryAllocateRaw(size);

    private static void FreeTable(void* table) => ProcessHeap.Free(table);

    private static bool FreeObject(void* obj) => ProcessHeap.Free(ObjectLayout.BlockOf(obj)) == MemoryError.None;

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "memos_call_with_registers_saved")]
    private static extern void CallWithRegistersSaved(delegate*<ulong, void> function);
}
