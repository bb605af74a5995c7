using MemOS.Memory.Paging;
using MemOS.Memory.Tracing;

namespace MemOS.Memory.Virtual;

// Commit and decommit inside a region, for heaps. Commit makes the heap's coming writes to a range safe before it
// writes its metadata there: a page of a demand part is charged (a frame promised by the PMM, the page-table entry
// marked), so its first touch still faults as the chapter shows but takes the promised frame and cannot fail; other
// pages get their frame now. Decommit unmaps pages in the middle of a region (free runs inside a heap) without
// shrinking it, so their frames, and any charge, go back to the PMM.
public sealed partial class AddressSpace
{
    /// <summary>
    /// Make every page of [start, start + length) in a region safe to write without a fault that can fail: an
    /// unmapped page of a demand part is charged (<see cref="Region.ChargedPages"/>); any other unmapped page (an
    /// immediate part: the kernel heap always grows so) gets a zeroed frame now; a read-only shared page (the zero
    /// page, copy-on-write) gets a copy now. User regions respect the PMM's reserve. OutOfMemory stops at the first
    /// page that cannot be made safe (pages already done stay: they are part of the region either way). No managed
    /// allocation.
    /// </summary>
    public MemoryError Commit(Region region, VirtualAddress start, ulong length)
    {
        var error = CheckInside(region, start, length);
        if (error != MemoryError.None) return error;
        if (region.IsMmio) return MemoryError.None;
        var flags = region.PageFlags;
        ulong first = start.Value & ~(Page - 1), end = start.Value + length;
        for (ulong va = first; va < end; va += Page)
        {
            var page = new VirtualAddress(va);
            var lookup = PageTable.Lookup(page);
            if (lookup.IsMapped && (lookup.Flags & PageFlags.Writable) != 0) continue;
            if (lookup.IsMapped && lookup.Size != PageSize.Size4K) return MemoryError.Conflict;
            if (!lookup.IsMapped && region.BackingAt(page) == RegionBacking.Demand)
            {
                error = ChargePage(region, page);
                if (error != MemoryError.None) return error;
                continue;
            }
            var allocated = region.IsUser ? _frames.AllocateUserFrame() : _frames.AllocateFrame();
            if (!allocated.Ok) return allocated.Error;
            var frame = allocated.Value;
            if (!lookup.IsMapped)
            {
                _memory.Zero(frame, Page);
                var mapped = PageTable.Map(page, frame, flags);
                if (!mapped.Ok)
                {
                    _frames.FreeFrame(frame);
                    return mapped.Error;
                }
                region.ResidentPages++;
                continue;
            }
            // A shared read-only frame (zero page or copy-on-write): the page keeps its contents in a frame of its own.
            _memory.Copy(frame, lookup.Frame, Page);
            var replaced = PageTable.Replace(page, frame, flags);
            if (!replaced.Ok)
            {
                _frames.FreeFrame(frame);
                return replaced.Error;
            }
            _frames.FreeFrame(replaced.Frame);
        }
        return MemoryError.None;
    }

    /// <summary>
    /// Unmap the whole pages of [start, start + length) in a region and return their frames (references dropped) and
    /// charges; the region keeps its size, and the pages come back on demand or through <see cref="Commit"/>.
    /// No managed allocation.
    /// </summary>
    public MemoryError Decommit(Region region, VirtualAddress start, ulong length)
    {
        var error = CheckInside(region, start, length);
        if (error != MemoryError.None) return error;
        if ((start.Value & (Page - 1)) != 0 || (length & (Page - 1)) != 0) return MemoryError.Misaligned;
        if (region.IsMmio) return MemoryError.InvalidArgument;
        UnmapRange(region, start, length);
        return MemoryError.None;
    }

    // An unmapped page, charged: one frame promised by the PMM, the entry marked (its tables made now). Already
    // charged: nothing to do. Either step failing leaves nothing charged.
    private MemoryError ChargePage(Region region, VirtualAddress page)
    {
        if (region.ChargedPages != 0 && PageTable.IsCharged(page)) return MemoryError.None;
        var error = _frames.Charge(1);
        if (error != MemoryError.None) return error;
        error = PageTable.MarkCharged(page);
        if (error != MemoryError.None)
        {
            _frames.Uncharge(1);
            return error;
        }
        region.ChargedPages++;
        if (MemoryTrace.On) MemoryTrace.Emit(MemoryEventKind.PageCharged, page.Value, region: region);
        return MemoryError.None;
    }

    // The charged frame of a committed page that is being mapped now (by its first-touch fault), or default when the
    // page was not charged. The marker goes with the mapping that replaces it.
    private bool TakeCharge(Region region, VirtualAddress page, ulong leafTable, out PhysicalAddress frame)
    {
        frame = default;
        if (region.ChargedPages == 0 || !PageTable.IsChargedIn(leafTable, page)) return false;
        var taken = _frames.AllocateCharged();
        if (!taken.Ok) return false; // cannot happen while the charge is outstanding; the caller allocates instead
        region.ChargedPages--;
        frame = taken.Value;
        return true;
    }

    // Drop the charge of an unmapped page (decommit, shrink, free): the frame stays with the PMM.
    private void DropCharge(Region region, VirtualAddress page)
    {
        if (region.ChargedPages == 0 || !PageTable.ClearCharged(page)) return;
        _frames.Uncharge(1);
        region.ChargedPages--;
    }

    private MemoryError CheckInside(Region region, VirtualAddress start, ulong length)
    {
        if (IndexOf(region) < 0) return MemoryError.NoRegion;
        ulong offset = start.Value - region.Base.Value;
        if (start.Value < region.Base.Value || offset > region.Length || length > region.Length - offset)
            return MemoryError.OutOfRange;
        return MemoryError.None;
    }
}
