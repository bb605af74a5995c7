using System;
using System.Runtime;

namespace MemOS.Core;

/// <summary>
/// The interface-dispatch cache: a direct-mapped table of (call-site cell, object type) → target, probed by the
/// asm stub RhpInitialDynamicInterfaceDispatch on every interface call and filled by CoreLib's resolver through
/// RhpUpdateDispatchCellCache. A miss costs one resolution; a hit is a few instructions.
/// </summary>
internal static unsafe class InterfaceDispatchCache
{
    public const int Entries = 4096; // must match CACHE_ENTRIES in runtime.asm

    private struct Entry { public IntPtr Cell; public IntPtr Type; public IntPtr Target; }

    // CoreLib's DispatchCellInfo (32 bytes): CellType, InterfaceType,
    // InterfaceSlot, HasCache, MetadataToken, VTableOffset.
    private struct DispatchCellInfo
    {
        public int CellType;
        public IntPtr InterfaceType;
        public ushort InterfaceSlot;
        public byte HasCache;
        public uint MetadataToken;
        public uint VTableOffset;
    }

    private const int InterfaceAndSlot = 0, VTableOffsetCell = 2;
    private const ulong PointerMask = 0x3, MaxVTableOffsetPlusOne = 0x1000;

    /// <summary>Resolutions that filled the cache (the asm fast path itself does not count hits).</summary>
    public static ulong Misses { get; private set; }

    private static Entry* Table() => (Entry*)DispatchCacheBase();

    private static int Index(IntPtr cell, IntPtr type)
        => (int)((((ulong)cell >> 3) ^ ((ulong)type >> 3)) & (Entries - 1));

    [RuntimeExport("RhpSearchDispatchCellCache")]
    private static IntPtr Search(IntPtr cell, IntPtr type)
    {
        Entry* e = &Table()[Index(cell, type)];
        return e->Cell == cell && e->Type == type ? e->Target : IntPtr.Zero;
    }

    [RuntimeExport("RhpUpdateDispatchCellCache")]
    private static IntPtr Update(IntPtr cell, IntPtr target, IntPtr type, DispatchCellInfo* info)
    {
        Misses++;
        Entry* e = &Table()[Index(cell, type)];
        // target first, then the key: the stub compares the key before it jumps
        e->Cell = IntPtr.Zero;
        e->Target = target;
        e->Type = type;
        e->Cell = cell;
        return target;
    }

    // A cell is { stub, cache }. A fresh cell's cache word is a vtable offset (< 0x1000) or an interface pointer
    // tagged in its low two bits; the slot sits in the run's terminating cell (the one with a null stub).
    [RuntimeExport("RhpGetDispatchCellInfo")]
    private static void GetDispatchCellInfo(IntPtr cellAddress, DispatchCellInfo* info)
    {
        ulong* cell = (ulong*)cellAddress;
        ulong cache = cell[1];
        *info = default;
        if (cache < MaxVTableOffsetPlusOne && (cache & PointerMask) == 0)
        {
            info->CellType = VTableOffsetCell;
            info->VTableOffset = (uint)cache;
            info->HasCache = 1;
            return;
        }
        ulong* terminator = cell;
        while (terminator[0] != 0) terminator += 2;
        ulong flags = terminator[1];
        info->CellType = (int)(flags >> 16);
        if (info->CellType != InterfaceAndSlot)
        {
            info->MetadataToken = (uint)(cache >> 2);
            return;
        }
        info->InterfaceSlot = (ushort)flags;
        switch (cache & PointerMask)
        {
            case 1:
                info->InterfaceType = (IntPtr)(cache & ~PointerMask);
                break;
            case 2:
            case 3:
                ulong target = ((ulong)&cell[1] + (ulong)(long)(int)cache) & ~PointerMask;
                info->InterfaceType = (cache & PointerMask) == 3 ? (IntPtr)target : *(IntPtr*)target;
                break;
            default:
                RuntimeFatal.Stop("interface dispatch", "dispatch cell already points at a cache");
                break;
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.InternalCall)]
    [RuntimeImport("*", "memos_dispatch_cache_base")]
    private static extern void* DispatchCacheBase();
}
