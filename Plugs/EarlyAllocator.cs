using System.Runtime;
using System.Runtime.CompilerServices;
using MemOS.Core;

namespace MemOS.Plugs;

/// <summary>
/// The allocator that exists before any memory manager: a bump pointer over a fixed block in the kernel's .bss, and
/// optionally a second block the kernel carves from RAM when boot-time tables (the PMM's metadata grows with RAM)
/// need more than the first holds. It never frees; it serves boot, CoreLib's statics, and requests that arrive while
/// the kernel heap is busy.
/// </summary>
public static unsafe class EarlyAllocator
{
    private static byte* s_next;
    private static byte* s_start;
    private static byte* s_end;
    private static byte* s_extraNext;
    private static byte* s_extraStart;
    private static byte* s_extraEnd;

    public static ulong Used => s_start == null ? 0 : (ulong)(s_next - s_start);
    public static ulong Capacity => s_start == null ? 0 : (ulong)(s_end - s_start);

    /// <summary>The block's bounds (0 before first use): the collector scans [Start, Start + Used) as a root.</summary>
    public static ulong Start => (ulong)s_start;
    public static ulong End => (ulong)s_end;

    /// <summary>The second block (0 when there is none), also scanned by the collector up to its used end.</summary>
    public static ulong ExtraStart => (ulong)s_extraStart;
    public static ulong ExtraUsed => (ulong)(s_extraNext - s_extraStart);
    public static ulong Remaining => Capacity - Used;

    /// <summary>Bytes from the pointer to the end of the early block that holds it (0 when neither does).</summary>
    public static ulong BytesAfter(void* pointer)
        => pointer >= s_start && pointer < s_end ? (ulong)(s_end - (byte*)pointer)
            : pointer >= s_extraStart && pointer < s_extraEnd ? (ulong)(s_extraEnd - (byte*)pointer) : 0;

    public static bool Owns(void* pointer)
        => (pointer >= s_start && pointer < s_end) || (pointer >= s_extraStart && pointer < s_extraEnd);

    /// <summary>Adds the second block: zeroed memory the allocator may hand
    /// out once the first block is exhausted.</summary>
    public static void Extend(void* start, nuint size)
    {
        s_extraStart = s_extraNext = (byte*)start;
        s_extraEnd = (byte*)start + size;
    }

    public static void* Allocate(nuint size, nuint alignment)
    {
        if (s_start == null)
        {
            s_start = s_next = (byte*)Arena();
            s_end = s_start + ArenaSize();
        }
        if (alignment < 8) alignment = 8;
        byte* p = Bump(ref s_next, s_end, size, alignment);
        if (p == null && s_extraStart != null) p = Bump(ref s_extraNext, s_extraEnd, size, alignment);
        if (p == null) RuntimeFatal.Stop("out of memory", "the early allocator's blocks are exhausted");
        return p; // both blocks start zeroed and are never reused
    }

    private static byte* Bump(ref byte* next, byte* end, nuint size, nuint alignment)
    {
        byte* p = (byte*)(((nuint)next + alignment - 1) & ~(alignment - 1));
        if (p > end || size > (nuint)(end - p)) return null;
        next = p + size;
        return p;
    }

    public static bool Free(void* pointer) => Owns(pointer);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "memos_early_heap")]
    private static extern void* Arena();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "memos_early_heap_size")]
    private static extern nuint ArenaSize();
}
