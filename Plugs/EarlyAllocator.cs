using System.Runtime;
using System.Runtime.CompilerServices;
using MemOS.Core;

namespace MemOS.Plugs;

/// <summary>
/// The allocator that exists before any memory manager: a bump pointer over a fixed block in the kernel's .bss.
/// It never frees; it serves boot, CoreLib's statics, and requests that arrive while the kernel heap is busy.
/// </summary>
public static unsafe class EarlyAllocator
{
    private static byte* s_next;
    private static byte* s_start;
    private static byte* s_end;

    public static ulong Used => s_start == null ? 0 : (ulong)(s_next - s_start);
    public static ulong Capacity => s_start == null ? 0 : (ulong)(s_end - s_start);

    /// <summary>The block's bounds (0 before first use): the collector scans [Start, Start + Used) as a root.</summary>
    public static ulong Start => (ulong)s_start;
    public static ulong End => (ulong)s_end;

    public static bool Owns(void* pointer) => pointer >= s_start && pointer < s_end;

    public static void* Allocate(nuint size, nuint alignment)
    {
        if (s_start == null)
        {
            s_start = s_next = (byte*)Arena();
            s_end = s_start + ArenaSize();
        }
        if (alignment < 8) alignment = 8;
        byte* p = (byte*)(((nuint)s_next + alignment - 1) & ~(alignment - 1));
        if (size > (nuint)(s_end - p))
        {
            RuntimeFatal.Stop("out of memory", "the early allocator's block is exhausted");
            return null;
        }
        s_next = p + size;
        return p; // .bss is zeroed and never reused
    }

    public static bool Free(void* pointer) => Owns(pointer);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "memos_early_heap")]
    private static extern void* Arena();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "memos_early_heap_size")]
    private static extern nuint ArenaSize();
}
