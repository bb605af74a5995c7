using System;
using System.Collections.Generic;
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
/// The blocks handed out and the answer text live in two mmap regions of their own, outside the heap, and the text is
/// written without managed strings (no interpolation, no StringBuilder), so serving a request adds nothing to the heap
/// but the block asked for (and the small arrays Statistics, Blocks and Check allocate). Only blocks handed out by
/// `alloc` can be freed; the others hold the process's own objects.
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

    /// <summary>Serves requests until the process is killed; returns (exit status 1) only if the kernel refuses.
    /// </summary>
    public static int Run()
    {
        // Backed at once (MAP_POPULATE): the service's own bookkeeping must not show up as the faults of a request.
        long table = Linux.MapAnonymousMemory(0, MaxLiveBlocks * 8, Linux.ProtRead | Linux.ProtWrite, false, true);
        long text = Linux.MapAnonymousMemory(0, TextBytes, Linux.ProtRead | Linux.ProtWrite, false, true);
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
                Statistics(heap);
                return 0;
            case OpBlocks:
                Blocks(heap, request.Arg0);
                return 0;
            case OpCheck: return Check(heap);
            case OpTrim:
                ProcessCollector.Collect();
                var c = ProcessCollector.Last;
                heap.Trim();
                Append("collected ");
                Number((ulong)c.ObjectsFreed);
                Append(" of its objects, trimmed its heap");
                return 0;
            default:
                Append("unknown request ");
                Number(request.Op);
                return (long)MemoryError.InvalidArgument;
        }
    }

    private static long Allocate(UserHeap heap, ulong size, ulong align, out ulong address)
    {
        address = 0;
        int slot = Find(0);
        if (slot < 0)
        {
            Number(MaxLiveBlocks);
            Append(" blocks from alloc are live already: free some first");
            return (long)MemoryError.OutOfMemory;
        }
        Result<VirtualAddress> r = heap.Allocate(size, align < 16 ? 16 : align);
        if (!r.Ok)
        {
            if (r.Error == MemoryError.HeapCorrupted)
            {
                Corrupted(heap);
                Append("; nothing was allocated (");
            }
            else
            {
                Append("out of memory (could not allocate ");
                Number(size);
                Append(" B: ");
            }
            Append(r.Error.Name());
            Append(")");
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
        if (e != MemoryError.None)
        {
            if (e == MemoryError.HeapCorrupted)
            {
                Corrupted(heap);
                Append("; nothing changed (");
            }
            else Append("not an allocated block (");
            Append(e.Name());
            Append(")");
            return (long)e;
        }
        if (slot >= 0) s_live[slot] = 0;
        size = known.Ok ? known.Value : 0;
        return 0;
    }

    private static long Check(UserHeap heap)
    {
        MemoryError e = heap.Check();
        Append("user heap check: ");
        if (e == MemoryError.None) Append("ok");
        else
        {
            Append("FAILED (");
            Append(e.Name());
            Append(")");
        }
        if (heap.CorruptionsDetected != 0)
        {
            Append("\nuser heap check: ");
            Corrupted(heap);
            Append(" (");
            Number(heap.CorruptionsDetected);
            Append(" refused)");
        }
        return e == MemoryError.None && heap.CorruptionsDetected == 0 ? 0 : (long)MemoryError.HeapCorrupted;
    }

    private static void Statistics(UserHeap heap)
    {
        HeapStatistics s = heap.Statistics();
        Append("user heap of pid ");
        Number((ulong)Linux.ProcessId());
        Append(": ");
        Hex(heap.Base.Value);
        Append("-");
        Hex(heap.End.Value);
        Append(", size ");
        Number(s.HeapSize);
        Append(" B\n  used ");
        Number(s.UsedBytes);
        Append(" B, free ");
        Number(s.FreeBytes);
        Append(" B, overhead ");
        Number(s.OverheadBytes);
        Append(" B\n  largest free block ");
        Number(s.LargestFreeBlock);
        Append(" B, fragmentation ");
        ulong t = (ulong)(s.Fragmentation * 1000 + 0.5);
        Number(t / 1000);
        Append(".");
        Number(t % 1000, 3);
        Append("\n  live allocations ");
        Number(s.LiveAllocations);
        Append(" (allocations ");
        Number(s.TotalAllocations);
        Append(", frees ");
        Number(s.TotalFrees);
        Append(", failed ");
        Number(s.FailedAllocations);
        Append("); ");
        Number((ulong)Live());
        Append(" from alloc\n  small objects per size class:");
        int shown = 0;
        for (int c = 0; c < SizeClasses.Count && c < s.SmallObjectsPerClass.Length; c++)
        {
            if (s.SmallObjectsPerClass[c] == 0) continue;
            Append(" ");
            Number(SizeClasses.Size(c));
            Append(" B x");
            Number(s.SmallObjectsPerClass[c]);
            shown++;
        }
        if (shown == 0) Append(" none");
    }

    private static void Blocks(UserHeap heap, ulong n)
    {
        List<HeapBlock> blocks = heap.Blocks();
        Append("user heap of pid ");
        Number((ulong)Linux.ProcessId());
        Append(": ");
        Number((ulong)blocks.Count);
        Append(" blocks\n  address               size        state  kind\n");
        int shown = (int)Math.Min(Math.Min(n, MaxBlocksShown), (ulong)blocks.Count);
        for (int i = 0; i < shown; i++)
        {
            HeapBlock k = blocks[i];
            ulong at = s_length;
            Append("  ");
            Hex(k.Address.Value);
            Pad(at + 22);
            ulong sizeAt = s_length;
            Number(k.Size);
            Append(" B");
            Shift(sizeAt, 12);
            Append("  ");
            Append(k.Used ? "used   " : "free   ");
            Append(k.Kind.Name());
            if (Find(k.Address.Value) >= 0) Append(" (from alloc)");
            Append("\n");
        }
        if (blocks.Count > shown)
        {
            Append("  ... and ");
            Number((ulong)(blocks.Count - shown));
            Append(" more\n");
        }
    }

    private static void Corrupted(UserHeap heap)
    {
        Append("its heap is corrupted: the block at ");
        Hex(heap.LastCorruption.Value);
        Append(" failed its checks and its links were not followed");
    }

    // The answer is formatted in place, digit by digit: a managed string here would land in the heap being reported.
    private static void Number(ulong v, int minDigits = 1)
    {
        byte* digits = stackalloc byte[20];
        int n = 0;
        do { digits[n++] = (byte)('0' + v % 10); v /= 10; } while (v != 0);
        while (n < minDigits) digits[n++] = (byte)'0';
        while (n > 0) Put(digits[--n]);
    }

    private static void Hex(ulong v)
    {
        Append("0x");
        int shift = 60;
        while (shift > 0 && (v >> shift) == 0) shift -= 4;
        for (; shift >= 0; shift -= 4) Put((byte)"0123456789abcdef"[(int)((v >> shift) & 15)]);
    }

    // Spaces up to column `to` of the text.
    private static void Pad(ulong to)
    {
        while (s_length < to) Put((byte)' ');
    }

    // Right-aligns what was written since `from` in a field of `width` characters.
    private static void Shift(ulong from, ulong width)
    {
        ulong written = s_length - from;
        if (written >= width || s_length + (width - written) > TextBytes) return;
        ulong pad = width - written;
        for (ulong i = s_length; i-- > from;) s_text[i + pad] = s_text[i];
        for (ulong i = 0; i < pad; i++) s_text[from + i] = (byte)' ';
        s_length += pad;
    }

    private static void Put(byte b)
    {
        if (s_length < TextBytes) s_text[s_length++] = b;
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
        for (int i = 0; i < text.Length; i++) Put(text[i] < 0x80 ? (byte)text[i] : (byte)'?');
    }
}
