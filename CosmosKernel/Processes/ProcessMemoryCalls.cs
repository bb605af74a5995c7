using System.Collections.Generic;
using MemOS.Kernel.MemoryManagement;
using MemOS.Memory;
using MemOS.Memory.Programs;
using MemOS.Memory.Virtual;

namespace MemOS.Kernel.Processes;

/// <summary>
/// mmap, munmap, mprotect and brk on a process's address space. A mapping is a region; cutting a piece out of one
/// (a partial munmap or mprotect) replaces it by regions for the remaining pieces, which take over its pages.
/// </summary>
internal static class ProcessMemoryCalls
{
    private const ulong Page = 4096;
    private const ulong ProtRead = 1, ProtWrite = 2, ProtExec = 4;
    private const ulong MapShared = 1, MapPrivate = 2, MapFixed = 0x10, MapAnonymous = 0x20, MapPopulate = 0x8000;
    private const ulong MaxHeap = 1UL << 32;

    public static long Mmap(Process p, ulong address, ulong length, ulong prot, ulong flags, long fd, ulong offset)
    {
        if (length == 0 || (prot & ~(ProtRead | ProtWrite | ProtExec)) != 0) return -Errno.EINVAL;
        if ((flags & MapAnonymous) == 0) return fd >= 0 && fd <= 2 ? -19 /* ENODEV */ : -Errno.EBADF;
        if ((flags & 3) != MapPrivate || (flags & 3) == MapShared) return -Errno.EINVAL;
        if ((offset & (Page - 1)) != 0) return -Errno.EINVAL;
        if (length > ElfImage.UserEnd) return -Errno.ENOMEM;
        ulong size = (length + Page - 1) & ~(Page - 1);
        RegionFlags regionFlags = Flags(prot);
        RegionBacking backing = (flags & MapPopulate) != 0 ? RegionBacking.Immediate : RegionBacking.Demand;
        RegionPlacement placement;
        if ((flags & MapFixed) != 0)
        {
            if ((address & (Page - 1)) != 0) return -Errno.EINVAL;
            if (address < ElfImage.UserStart) return -Errno.EPERM;
            if (!UserMemory.IsUserRange(address, size)) return -Errno.ENOMEM;
            // the gap below the stack stays empty, so an overflow always faults
            if (address < ProcessLoader.StackBottom
                    && address + size > ProcessLoader.StackBottom - ProcessLoader.StackGuardGap)
                return -Errno.ENOMEM;
            long cleared = Munmap(p, address, size);
            if (cleared != 0) return cleared;
            placement = RegionPlacement.Fixed(new VirtualAddress(address));
        }
        else placement = RegionPlacement.FirstFit(new VirtualAddress(ProcessLoader.MmapBase),
            new VirtualAddress(ProcessLoader.StackBottom - ProcessLoader.StackGuardGap));
        Result<Region> r = p.Space.CreateRegion("mmap", size, regionFlags, placement, backing);
        return r.Ok ? (long)r.Value.Base.Value : -Errno.ENOMEM;
    }

    public static long Munmap(Process p, ulong address, ulong length)
    {
        if ((address & (Page - 1)) != 0 || length == 0) return -Errno.EINVAL;
        ulong size = (length + Page - 1) & ~(Page - 1);
        if (size < length || !UserMemory.IsUserRange(address, size)) return -Errno.EINVAL;
        return Reshape(p, address, address + size, null, requireMapped: false);
    }

    public static long Mprotect(Process p, ulong address, ulong length, ulong prot)
    {
        if ((address & (Page - 1)) != 0 || (prot & ~(ProtRead | ProtWrite | ProtExec)) != 0) return -Errno.EINVAL;
        if (length == 0) return 0;
        ulong size = (length + Page - 1) & ~(Page - 1);
        if (size < length || !UserMemory.IsUserRange(address, size)) return -Errno.ENOMEM;
        return Reshape(p, address, address + size, Flags(prot), requireMapped: true);
    }

    /// <summary>
    /// Linux's brk: the new break, or the old one when the request cannot be met (below the start, too big, no memory).
    /// </summary>
    public static ulong Brk(Process p, ulong requested)
    {
        Region? heap = p.HeapRegion;
        if (heap == null || requested < p.BreakStart || requested - p.BreakStart > MaxHeap) return p.Break;
        ulong length = (requested - p.BreakStart + Page - 1) & ~(Page - 1);
        MemoryError e = MemoryError.None;
        if (length > heap.Length) e = p.Space.Grow(heap, length - heap.Length);
        else if (length < heap.Length) e = p.Space.Shrink(heap, heap.Length - length);
        if (e != MemoryError.None) return p.Break;
        p.Break = requested;
        return requested;
    }

    // PROT_NONE has no x86 page bits: a region without User makes every access from ring 3 a violation.
    private static RegionFlags Flags(ulong prot)
    {
        if (prot == 0) return RegionFlags.Read;
        RegionFlags f = RegionFlags.User | RegionFlags.Read;
        if ((prot & ProtWrite) != 0) f |= RegionFlags.Write;
        if ((prot & ProtExec) != 0) f |= RegionFlags.Execute;
        return f;
    }

    // For every region meeting [low, high): the part inside is dropped (flags null) or given the new flags; the parts
    // outside keep theirs. The replacement regions take over the mapped pages (shared read-only: the next write
    // makes a page writable again in place, as its only reference).
    private static long Reshape(Process p, ulong low, ulong high, RegionFlags? inside, bool requireMapped)
    {
        AddressSpace space = p.Space;
        var affected = new List<Region>();
        ulong covered = 0;
        foreach (Region r in space.Regions)
        {
            ulong b = r.Base.Value, e = r.End.Value;
            if (e <= low || b >= high || r.Length == 0) continue;
            affected.Add(r);
            covered += (e < high ? e : high) - (b > low ? b : low);
        }
        if (requireMapped && covered != high - low) return -Errno.ENOMEM;
        foreach (Region r in affected)
        {
            if (inside is RegionFlags same && same == r.Flags) continue;
            long error = Replace(p, r, low, high, inside);
            if (error != 0) return error;
        }
        return 0;
    }

    private static long Replace(Process p, Region r, ulong low, ulong high, RegionFlags? inside)
    {
        AddressSpace space = p.Space;
        IFrameAllocator frames = space.Frames;
        ulong b = r.Base.Value, e = r.End.Value;
        ulong cutLow = low > b ? low : b, cutHigh = high < e ? high : e;
        var pages = new List<(ulong Page, PhysicalAddress Frame)>();
        for (ulong va = b; va < e; va += Page)
        {
            var lookup = space.PageTable.Lookup(new VirtualAddress(va));
            if (!lookup.IsMapped) continue;
            bool dropped = inside == null && va >= cutLow && va < cutHigh;
            if (dropped || frames.AddReference(lookup.Frame) != MemoryError.None) continue;
            pages.Add((va, lookup.Frame));
        }
        string name = r.Name;
        RegionFlags flags = r.Flags;
        bool wasHeap = r == p.HeapRegion;
        space.FreeRegion(r);
        Region? first = null;
        long error = 0;
        if (!Add(space, name, b, cutLow, flags, ref first)) error = -Errno.ENOMEM;
        if (inside is RegionFlags f && !Add(space, name, cutLow, cutHigh, f, ref first)) error = -Errno.ENOMEM;
        if (!Add(space, name, cutHigh, e, flags, ref first)) error = -Errno.ENOMEM;
        foreach ((ulong va, PhysicalAddress frame) in pages)
        {
            Region? owner = space.FindRegion(new VirtualAddress(va));
            if (owner != null) space.ShareFrame(owner, new VirtualAddress(va), frame);
            frames.FreeFrame(frame); // the reference taken above
        }
        if (wasHeap) p.HeapRegion = first != null && first.Base.Value == p.BreakStart ? first : null;
        return error;
    }

    private static bool Add(AddressSpace space, string name, ulong from, ulong to, RegionFlags flags, ref Region? first)
    {
        if (to <= from) return true;
        Result<Region> r = space.CreateRegion(name, to - from, flags, RegionPlacement.Fixed(new VirtualAddress(from)),
            RegionBacking.Demand);
        if (r.Ok && first == null) first = r.Value;
        return r.Ok;
    }
}
