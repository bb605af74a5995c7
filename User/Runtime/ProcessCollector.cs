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

    public static MarkSweepCollector.Result Last { get; private set; }

    internal static void Install()
    {
        MarkSweepCollector.Install(&AllocateTable, &FreeTable, &FreeObject);
        MarkSweepCollector.SetCollectHandler(&CollectFrom);
    }

    internal static void MaybeCollect()
    {
        if (MarkSweepCollector.AllocatedSinceCollection >= Threshold) MarkSweepCollector.RequestCollection();
    }

    /// <summary>Collects now; Last tells the outcome (not returned: a struct coming back would sit, unwritten
    /// until the end, in a frame the stack scan reads).</summary>
    public static void Collect() => MarkSweepCollector.RequestCollection();

    // The collect handler: rsp is where the callee-saved registers were spilled; the frames below it are the
    // collector's and are not scanned.
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

}
