using System.Runtime;
using System.Runtime.CompilerServices;
using MemOS.Core;
using MemOS.Memory;
using MemOS.Plugs;

namespace MemOS.User.Runtime;

/// <summary>
/// Garbage collection in a process: Core's conservative collector, the same one the kernel uses, with a process's
/// roots: the program image's data and bss (statics, GC handles, the TLS block and the early allocator's block) and
/// the live part of the user stack, with the callee-saved registers spilled onto it. It runs inside an allocation
/// once 4 MiB of objects were allocated since the last collection (caller-saved registers hold no live reference
/// across that call), when the heap refuses a request, and on GC.Collect().
/// </summary>
public static unsafe class ProcessCollector
{
    public const ulong Threshold = 4UL * 1024 * 1024;

    private static bool s_running;

    public static ConservativeCollector.Result Last { get; private set; }

    internal static void Install()
    {
        ConservativeCollector.Install(&AllocateTable, &FreeTable, &FreeObject);
        ConservativeCollector.SetCollectHandler(&CollectNow);
    }

    private static void CollectNow() => Collect();

    internal static void MaybeCollect()
    {
        if (ConservativeCollector.AllocatedSinceCollection >= Threshold) Collect();
    }

    public static ConservativeCollector.Result Collect()
    {
        if (s_running) return default;
        s_running = true;
        CallWithRegistersSaved(&CollectFrom);
        s_running = false;
        return Last;
    }

    private static void CollectFrom(ulong rsp)
    {
        ulong* starts = stackalloc ulong[3];
        ulong* ends = stackalloc ulong[3];
        ulong data = ImageData(), dataEnd = ImageDataEnd();
        ulong earlyUnused = EarlyAllocator.Start + EarlyAllocator.Used;
        int n = 0;
        // the image's data and bss, less the early block's unused tail (never written: no references there)
        if (EarlyAllocator.Start >= data && EarlyAllocator.End <= dataEnd)
        {
            starts[n] = data; ends[n++] = earlyUnused;
            starts[n] = EarlyAllocator.End; ends[n++] = dataEnd;
        }
        else { starts[n] = data; ends[n++] = dataEnd; }
        starts[n] = rsp; ends[n++] = InitialStack.Top;
        Last = ConservativeCollector.Collect(starts, ends, n);
    }

    private static void* AllocateTable(nuint size) => ProcessHeap.TryAllocateRaw(size);

    private static void FreeTable(void* table) => ProcessHeap.Free(table);

    private static bool FreeObject(void* obj) => ProcessHeap.Free(ObjectLayout.BlockOf(obj)) == MemoryError.None;

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "memos_call_with_registers_saved")]
    private static extern void CallWithRegistersSaved(delegate*<ulong, void> function);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "memos_image_data")]
    private static extern ulong ImageData();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "memos_image_data_end")]
    private static extern ulong ImageDataEnd();
}
