using System.Runtime;
using System.Runtime.CompilerServices;

namespace MemOS.Core;

/// <summary>
/// The collector's mark stack: a fixed block in the image's bss, so a collection takes nothing from the heap it
/// collects. When it is full a push is dropped and Overflowed is set: the object is already marked, and the collector
/// rescans the marked objects afterwards to trace the ones whose push was dropped.
/// </summary>
internal static unsafe class MarkStack
{
    public const int Capacity = 8192; // memos_mark_stack_slots in runtime.asm

    private static ulong* s_slots;
    private static int s_depth;

    public static bool Overflowed;
    public static int Deepest { get; private set; }

    public static void Reset()
    {
        if (s_slots == null) s_slots = (ulong*)Slots();
        s_depth = 0;
        Deepest = 0;
        Overflowed = false;
    }

    public static void Push(ulong obj)
    {
        if (s_depth == Capacity) { Overflowed = true; return; }
        s_slots[s_depth++] = obj;
        if (s_depth > Deepest) Deepest = s_depth;
    }

    public static bool TryPop(out ulong obj)
    {
        if (s_depth == 0) { obj = 0; return false; }
        obj = s_slots[--s_depth];
        return true;
    }

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "memos_mark_stack")]
    private static extern void* Slots();
}
