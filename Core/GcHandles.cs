using System;
using System.Runtime;

namespace MemOS.Core;

/// <summary>
/// GC handles. A handle is a pointer to a slot holding the object (CoreLib reads *(object*)handle itself);
/// dependent handles use a second slot. Slots come from a fixed table with a free list: no GC moves objects.
/// A slot in use keeps its handle type in its third word ((type &lt;&lt; 1) | 1); a free one keeps the next free
/// slot there (8-aligned, so bit 0 tells the two apart). The collector reads the table: strong and pinned handles are
/// roots, weak ones are cleared when their object dies, a dependent handle keeps its second object alive while its
/// first is alive.
/// </summary>
internal static unsafe class GcHandles
{
    private const int Capacity = 16384;

    // CoreLib's GCHandleType values (RhpHandleAlloc's type), and the dependent kind allocated separately.
    private const int Weak = 0, WeakTrackResurrection = 1, Dependent = 6;

    private struct Slot { public IntPtr Primary; public IntPtr Secondary; public ulong Link; }

    private static Slot* s_table;
    private static int s_used;
    private static Slot* s_free;

    /// <summary>Handles in use (for the collector's report).</summary>
    internal static int InUse { get; private set; }

    private static Slot* Take(int type)
    {
        Slot* slot;
        if (s_free != null)
        {
            slot = s_free;
            s_free = (Slot*)slot->Link;
        }
        else
        {
            if (s_table == null) s_table = (Slot*)HandleTable();
            if (s_used == Capacity) RuntimeFatal.Stop("out of GC handles", "RhpHandleAlloc");
            slot = &s_table[s_used++];
        }
        slot->Link = ((ulong)type << 1) | 1;
        InUse++;
        return slot;
    }

    [RuntimeExport("RhpHandleAlloc")]
    private static IntPtr Alloc(IntPtr obj, int type)
    {
        Slot* slot = Take(type);
        slot->Primary = obj;
        slot->Secondary = IntPtr.Zero;
        return (IntPtr)slot;
    }

    [RuntimeExport("RhpHandleAllocDependent")]
    private static IntPtr AllocDependent(IntPtr primary, IntPtr secondary)
    {
        Slot* slot = Take(Dependent);
        slot->Primary = primary;
        slot->Secondary = secondary;
        return (IntPtr)slot;
    }

    [RuntimeExport("RhHandleFree")]
    private static void Free(IntPtr handle)
    {
        if (handle == IntPtr.Zero) return;
        Slot* slot = (Slot*)handle;
        if ((slot->Link & 1) == 0) return; // already free: freeing twice must not loop the free list
        slot->Primary = IntPtr.Zero;
        slot->Secondary = IntPtr.Zero;
        slot->Link = (ulong)s_free;
        s_free = slot;
        InUse--;
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

    private static bool IsWeak(ulong link) => (link >> 1) is Weak or WeakTrackResurrection;

    /// <summary>Visits the slot of every strong or pinned handle (the roots among the handles).</summary>
    internal static void VisitStrong(delegate*<ulong*, void> visit)
    {
        for (int i = 0; i < s_used; i++)
        {
            Slot* s = &s_table[i];
            if ((s->Link & 1) == 0 || s->Primary == IntPtr.Zero || IsWeak(s->Link) || s->Link >> 1 == Dependent)
                continue;
            visit((ulong*)&s->Primary);
        }
    }

    /// <summary>For each dependent handle whose first object is alive, visits its second; returns how many were
    /// visited (the caller repeats until marking them reaches nothing new).</summary>
    internal static int VisitDependents(delegate*<ulong, bool> isAlive, delegate*<ulong*, void> visit)
    {
        int visited = 0;
        for (int i = 0; i < s_used; i++)
        {
            Slot* s = &s_table[i];
            if (s->Link != ((Dependent << 1) | 1) || s->Secondary == IntPtr.Zero) continue;
            if (s->Primary == IntPtr.Zero || !isAlive((ulong)s->Primary) || isAlive((ulong)s->Secondary)) continue;
            visit((ulong*)&s->Secondary);
            visited++;
        }
        return visited;
    }

    /// <summary>After marking: weak handles to dead objects read null from now on; a dependent handle whose first
    /// object died lets go of both. Returns how many handles were cleared.</summary>
    internal static int ClearDead(delegate*<ulong, bool> isAlive)
    {
        int cleared = 0;
        for (int i = 0; i < s_used; i++)
        {
            Slot* s = &s_table[i];
            if ((s->Link & 1) == 0 || s->Primary == IntPtr.Zero || isAlive((ulong)s->Primary)) continue;
            if (IsWeak(s->Link)) { s->Primary = IntPtr.Zero; cleared++; }
            else if (s->Link >> 1 == Dependent) { s->Primary = IntPtr.Zero; s->Secondary = IntPtr.Zero; cleared++; }
        }
        return cleared;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.InternalCall)]
    [RuntimeImport("*", "memos_handle_table")]
    private static extern void* HandleTable();
}
