using System;
using System.Collections.Generic;
using System.Text;
using MemOS.Memory;
using MemOS.Memory.Heap;

namespace MemOS.User.Runtime;

/// <summary>
/// Serves the shell's `alloc`/`free`/`heap --user` requests with this process's own heap (<see cref="ProcessHeap"/>,
/// the same Memory/ heap code as the kernel heap), in ring 3: memos_serve waits for a request, the heap does the work
/// here, memos_answer posts the result. A forged link in this heap is this heap's problem: its validation refuses it
/// (an error in the answer) or the process faults and is killed; the kernel never follows it.
/// </summary>
/// <remarks>
/// The blocks handed out and the answer text live in two mmap regions of their own, outside the heap, so serving a
/// request adds nothing to the heap but the block asked for. Only blocks handed out by `alloc` can be freed; the
/// others hold the process's own objects.
/// </remarks>
public static unsafe class HeapService
{
    public const ulong OpAllocate = 1, OpFree = 2, OpStatistics = 3, OpBlocks = 4, OpCheck = 5, OpTrim = 6;
    /// <summary>How many blocks from `alloc` may be live at once.</summary>
    public const int MaxLiveBlocks = 16384;
    private const ulong TextBytes = 256 * 1024, MaxBlocksShown = 4096;

    private static ulong* s_live;
    private static byte* s_text;
    private static ulong s_length;

    /// <summary>Serves requests until the process is killed; returns (exit status 1) only if the kernel refuses.</summary>
    public static int Run()
    {
        long table = Linux.MapAnonymousMemory(0, MaxLiveBlocks * 8, Linux.ProtRead | Linux.ProtWrite, false, false);
        long text = Linux.MapAnonymousMemory(0, TextBytes, Linux.ProtRead | Linux.ProtWrite, false, false);
        if (table < 0 || text < 0)
        {
            Console.WriteLine($"heap service: no memory for its tables ({Errno.Name(table < 0 ? table : text)})");
            return 1;
        }
        s_live = (ulong*)table;
        s_text = (byte*)text;
        ServiceRequest request;
        while (true)
        {
            long n = SystemCall.Invoke(MemOSCalls.Serve, (long)&request, sizeof(ServiceRequest));
            if (n < 0)
            {
                Console.WriteLine($"heap service: memos_serve: {Errno.Name(n)}");
                return 1;
            }
            s_length = 0;
            long status = Handle(request, out ulong value);
            long r = SystemCall.Invoke(MemOSCalls.Answer, (long)request.Id, status, (long)value, (long)s_text,
                (long)s_length);
            if (r < 0) Console.WriteLine($"heap service: memos_answer: {Errno.Name(r)}");
        }
    }

    // 0 and the value (address, size) when done; else the heap's error code with the reason in the text.
    private static long Handle(ServiceRequest request, out ulong value)
    {
        value = 0;
        UserHeap heap = ProcessHeap.Heap;
        switch (request.Op)
        {
            case OpAllocate: return Allocate(heap, request.Arg0, request.Arg1, out value);
            case OpFree: return Free(heap, request.Arg0, out value);
            case OpStatistics:
                ProcessCollector.Collect(); // earlier answers' garbage is not what the heap holds
                Statistics(heap);
                return 0;
            case OpBlocks:
                ProcessCollector.Collect();
                Blocks(heap, request.Arg0);
                return 0;
            case OpCheck: return Check(heap);
            case OpTrim:
                var c = ProcessCollector.Collect();
                heap.Trim();
                Append($"collected {c.ObjectsFreed} of its objects, trimmed its heap");
                return 0;
            default:
                Append($"unknown request {request.Op}");
                return (long)MemoryError.InvalidArgument;
        }
    }

    private static long Allocate(UserHeap heap, ulong size, ulong align, out ulong address)
    {
        address = 0;
        int slot = Find(0);
        if (slot < 0)
        {
            Append($"{MaxLiveBlocks} blocks from alloc are live already: free some first");
            return (long)MemoryError.OutOfMemory;
        }
        Result<VirtualAddress> r = heap.Allocate(size, align < 16 ? 16 : align);
        if (!r.Ok)
        {
            if (r.Error == MemoryError.HeapCorrupted)
                Append($"{Corrupted(heap)}; nothing was allocated ({r.Error.Name()})");
            else Append($"out of memory (could not allocate {size} B: {r.Error.Name()})");
            return (long)r.Error;
        }
        s_live[slot] = r.Value.Value;
        address = r.Value.Value;
        return 0;
    }

    private static long Free(UserHeap heap, ulong address, out ulong size)
    {
        size = 0;
        var va = new VirtualAddress(address);
        int slot = address == 0 ? -1 : Find(address);
        Result<ulong> known = heap.SizeOf(va);
        if (slot < 0 && known.Ok)
        {
            Append("not an allocated block (in use by the process, not from alloc)");
            return (long)MemoryError.BadPointer;
        }
        // Not from alloc and not live: the heap names the reason (DoubleFree, BadPointer...) and changes nothing.
        MemoryError e = heap.Free(va);
        if (e == MemoryError.HeapCorrupted)
        {
            Append($"{Corrupted(heap)}; nothing changed ({e.Name()})");
            return (long)e;
        }
        if (e != MemoryError.None)
        {
            Append($"not an allocated block ({e.Name()})");
            return (long)e;
        }
        if (slot >= 0) s_live[slot] = 0;
        size = known.Ok ? known.Value : 0;
        return 0;
    }

    private static long Check(UserHeap heap)
    {
        MemoryError e = heap.Check();
        Append(e == MemoryError.None ? "user heap check: ok" : $"user heap check: FAILED ({e.Name()})");
        if (heap.CorruptionsDetected != 0)
            Append($"\nuser heap check: {Corrupted(heap)} ({heap.CorruptionsDetected} refused)");
        return e == MemoryError.None && heap.CorruptionsDetected == 0 ? 0 : (long)MemoryError.HeapCorrupted;
    }

    private static void Statistics(UserHeap heap)
    {
        HeapStatistics s = heap.Statistics();
        var b = new StringBuilder();
        b.Append($"user heap of pid {Linux.ProcessId()}: 0x{heap.Base.Value:x}-0x{heap.End.Value:x}, ");
        b.Append($"size {s.HeapSize} B\n");
        b.Append($"  used {s.UsedBytes} B, free {s.FreeBytes} B, overhead {s.OverheadBytes} B\n");
        b.Append($"  largest free block {s.LargestFreeBlock} B, fragmentation {Thousandths(s.Fragmentation)}\n");
        b.Append($"  live allocations {s.LiveAllocations} (allocations {s.TotalAllocations}, ");
        b.Append($"frees {s.TotalFrees}, failed {s.FailedAllocations}); {Live()} from alloc\n");
        b.Append("  small objects per size class:");
        int shown = 0;
        for (int c = 0; c < SizeClasses.Count && c < s.SmallObjectsPerClass.Length; c++)
        {
            if (s.SmallObjectsPerClass[c] == 0) continue;
            b.Append($" {SizeClasses.Size(c)} B x{s.SmallObjectsPerClass[c]}");
            shown++;
        }
        if (shown == 0) b.Append(" none");
        Append(b.ToString());
    }

    private static void Blocks(UserHeap heap, ulong n)
    {
        List<HeapBlock> blocks = heap.Blocks();
        var b = new StringBuilder();
        b.Append($"user heap of pid {Linux.ProcessId()}: {blocks.Count} blocks\n");
        b.Append("  address               size        state  kind\n");
        int shown = (int)Math.Min(Math.Min(n, MaxBlocksShown), (ulong)blocks.Count);
        for (int i = 0; i < shown; i++)
        {
            HeapBlock k = blocks[i];
            string address = $"0x{k.Address.Value:x}", size = $"{k.Size} B";
            b.Append($"  {address.PadRight(20)}  {size.PadLeft(10)}  {(k.Used ? "used" : "free").PadRight(5)}  ");
            b.Append($"{k.Kind.Name()}{(Find(k.Address.Value) >= 0 ? " (from alloc)" : "")}\n");
        }
        if (blocks.Count > shown) b.Append($"  ... and {blocks.Count - shown} more\n");
        Append(b.ToString());
    }

    private static string Corrupted(UserHeap heap)
        => $"its heap is corrupted: the block at 0x{heap.LastCorruption.Value:x} failed its checks and its links "
           + "were not followed";

    // 0.000 without floating-point formatting (the runtime's formatting of doubles is not needed for this).
    private static string Thousandths(double v)
    {
        ulong t = (ulong)(v * 1000 + 0.5);
        return $"{t / 1000}.{t % 1000:000}";
    }

    private static int Live()
    {
        int n = 0;
        for (int i = 0; i < MaxLiveBlocks; i++) if (s_live[i] != 0) n++;
        return n;
    }

    // The slot holding address (0: a free slot), or -1.
    private static int Find(ulong address)
    {
        for (int i = 0; i < MaxLiveBlocks; i++) if (s_live[i] == address) return i;
        return -1;
    }

    private static void Append(string text)
    {
        for (int i = 0; i < text.Length && s_length < TextBytes; i++)
            s_text[s_length++] = text[i] < 0x80 ? (byte)text[i] : (byte)'?';
    }
}
