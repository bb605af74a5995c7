using MemOS.Core;
using MemOS.Kernel.Hardware;
using MemOS.Kernel.Processes;
using MemOS.Memory;
using MemOS.Plugs;

namespace MemOS.Kernel.MemoryManagement;

/// <summary>
/// Garbage collection for the kernel heap: Core's mostly precise collector with MemOS's conservative roots — the live
/// part of the boot stack (the shell's), and of every process's kernel stack (a system call waiting in the kernel).
/// Statics, handles and thread statics are found precisely by Core itself. It runs at a safe point, between shell
/// commands, once enough has been allocated; `gc` runs it by hand.
/// </summary>
internal static unsafe class GarbageCollection
{
    /// <summary>Collect once this many bytes of objects were allocated since the last collection.</summary>
    public const ulong Threshold = 4UL * 1024 * 1024;

    private const int MaxRanges = 64;

    public static MarkSweepCollector.Result Last { get; private set; }
    public static ulong LastCycles { get; private set; }

    public static void Install()
    {
        MarkSweepCollector.Install(&AllocateTable, &FreeTable, &FreeObject);
        MarkSweepCollector.SetCollectHandler(&CollectFrom); // GC.Collect() and a refused allocation run it too
    }

    public static void MaybeCollect()
    {
        if (MarkSweepCollector.AllocatedSinceCollection >= Threshold) MarkSweepCollector.RequestCollection();
    }

    /// <summary>Collects now and trims the heap; Last and LastCycles tell the outcome. Nothing is returned on
    /// purpose: a struct coming back would sit, unwritten until the end, in a frame the stack scan reads.</summary>
    public static void Collect() => MarkSweepCollector.RequestCollection();

    // The collect handler: rsp is where the callee-saved registers were spilled; the frames below it are the
    // collector's and are not scanned.
    internal static void CollectFrom(ulong rsp)
    {
        ulong start = Cpu.ReadTsc();
        ulong* starts = stackalloc ulong[MaxRanges];
        ulong* ends = stackalloc ulong[MaxRanges];
        int n = 0;
        ulong bootBottom = KernelStack.Bottom, bootTop = KernelStack.Top;
        bool onBootStack = rsp >= bootBottom && rsp < bootTop;
        if (onBootStack) Add(starts, ends, ref n, rsp, bootTop);
        if (Scheduler.IsInitialized)
        {
            Process? current = Scheduler.CurrentProcess;
            foreach (Process p in Scheduler.Tasks)
            {
                if (p.IsKernelTask)
                {
                    // the shell waits in a switch while a process's system call collects
                    if (!onBootStack && p.SavedRsp >= bootBottom && p.SavedRsp < bootTop)
                        Add(starts, ends, ref n, p.SavedRsp, bootTop);
                    continue;
                }
                if (p.KernelStack == null) continue;
                ulong bottom = p.KernelStack.Base.Value, top = p.KernelStackTop;
                ulong from = p == current ? rsp : p.SavedRsp;
                if (from >= bottom && from < top) Add(starts, ends, ref n, from, top);
            }
        }
        // Too many early objects for the permanent table: their block is scanned as it was before the table existed.
        if (MarkSweepCollector.PermanentTableOverflowed)
        {
            Add(starts, ends, ref n, EarlyAllocator.Start, EarlyAllocator.Start + EarlyAllocator.Used);
            Add(starts, ends, ref n, EarlyAllocator.ExtraStart, EarlyAllocator.ExtraStart + EarlyAllocator.ExtraUsed);
        }
        Last = MarkSweepCollector.Collect(starts, ends, n);
        LastCycles = Cpu.ReadTsc() - start; // the collection's pause, before the trim below
        KernelMemory.Current!.Heap.Trim(); // what the collection freed goes back to the PMM (malloc_trim)
    }

    private static void Add(ulong* starts, ulong* ends, ref int n, ulong start, ulong end)
    {
        if (end <= start || n == MaxRanges) return;
        starts[n] = start;
        ends[n] = end;
        n++;
    }

    internal static void* AllocateTable(nuint size)
    {
        Result<VirtualAddress> r = KernelMemory.Current!.Heap.Allocate(size, 16);
        return r.Ok ? (void*)r.Value.Value : null;
    }

    internal static void FreeTable(void* table) => KernelMemory.Current!.Heap.Free(new VirtualAddress((ulong)table));

    // The object starts one header word into its heap block.
    internal static bool FreeObject(void* obj)
        => KernelMemory.Current!.Heap.Free(new VirtualAddress((ulong)ObjectLayout.BlockOf(obj)))
            == MemoryError.None;
}
