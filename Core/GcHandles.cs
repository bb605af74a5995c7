using System;
using System.Runtime;

namespace MemOS.Core;

/// <summary>
/// GC handles. A handle is a pointer to a slot holding the object (CoreLib reads *(object*)handle itself);
/// dependent handles use a second slot. Slots come from a fixed table with a free list: no GC moves objects.
/// </summary>
internal static unsafe class GcHandles
{
    private const int Capacity = 16384;
    private struct Slot { public IntPtr Primary; public IntPtr Secondary; public Slot* NextFree; }

    private static Slot* s_table;
    private static int s_used;
    private static Slot* s_free;

    private static Slot* Take()
    {
        if (s_free != null)
        {
            Slot* slot = s_free;
            s_free = slot->NextFree;
            slot->NextFree = null;
            return slot;
        }
        if (s_table == null) s_table = (Slot*)HandleTable();
        if (s_used == Capacity) RuntimeFatal.Stop("out of GC handles", "RhpHandleAlloc");
        return &s_table[s_used++];
    }

    [RuntimeExport("RhpHandleAlloc")]
    private static IntPtr Alloc(IntPtr obj, int type)
    {
        Slot* slot = Take();
        slot->Primary = obj;
        slot->Secondary = IntPtr.Zero;
        return (IntPtr)slot;
    }

    [RuntimeExport("RhpHandleAllocDependent")]
    private static IntPtr AllocDependent(IntPtr primary, IntPtr secondary)
    {
        Slot* slot = Take();
        slot->Primary = primary;
        slot->Secondary = secondary;
        return (IntPtr)slot;
    }

    [RuntimeExport("RhHandleFree")]
    private static void Free(IntPtr handle)
    {
        if (handle == IntPtr.Zero) return;
        Slot* slot = (Slot*)handle;
        slot->Primary = IntPtr.Zero;
        slot->Secondary = IntPtr.Zero;
        slot->NextFree = s_free;
        s_free = slot;
    }

    [RuntimeExport("RhHandleSet")]
    private static void Set(IntPtr handle, IntPtr obj) => ((Slot*)handle)->Primary = obj;

    [RuntimeExport("RhHandleGetDependent")]
    private static IntPtr GetDependent(IntPtr handle, IntPtr* secondary)
    {
        Slot* slot = (Slot*)handle;
        *secondary = slot->Secondary;
        return slot->Primary;
    }

    [RuntimeExport("RhHandleSetDependentSecondary")]
    private static void SetDependentSecondary(IntPtr handle, IntPtr secondary)
        => ((Slot*)handle)->Secondary = secondary;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.InternalCall)]
    [RuntimeImport("*", "memos_handle_table")]
    private static extern void* HandleTable();
}
