using System;
using MemOS.Memory.Paging;
using MemOS.Memory.Tracing;

namespace MemOS.Memory.Virtual;

/// <summary>
/// The VMM's view of one address space: its page table and a sorted, non-overlapping set of Regions.
/// Creates, grows, shrinks and frees regions, backing their pages immediately, on demand, or from MMIO, and
/// carries out what the page-fault resolver decides (map the zero page or a demand page, copy on write, make
/// writable).
/// </summary>
/// <remarks>
/// The only code that changes a region's mappings or residency: the resolver decides, this acts, with the one frame
/// allocator the address space was made with. Every operation returns an error with nothing changed, or succeeds.
/// Grow, Shrink and the fault actions do not allocate managed memory (heaps grow through them while serving an
/// allocation); creating a region does. Each step is narrated to <see cref="MemoryTrace"/> when tracing is on.
/// </remarks>
public sealed partial class AddressSpace
{
    private const ulong Page = VirtualAddress.PageSize;
    // The top page of the address space is never handed out, so Base + Length never wraps.
    private const ulong HighestUsable = 0xFFFF_FFFF_FFFF_F000UL;

    private readonly IPhysicalMemory _memory;
    private readonly IFrameAllocator _frames;
    private Region[] _regions = new Region[16];
    private int _count;
    private bool _destroyed;

    private AddressSpace(IPhysicalMemory memory, IFrameAllocator frames, PageTable pageTable, ulong guardBytes)
    {
        _memory = memory;
        _frames = frames;
        PageTable = pageTable;
        GuardBytes = guardBytes;
    }

    /// <summary>
    /// A new address space with an empty user half (and the shared kernel half when a template is given).
    /// </summary>
    public static Result<AddressSpace> Create(IPhysicalMemory memory, IFrameAllocator frames, ITlb tlb,
        KernelHalfTemplate? kernelHalf = null, int guardPages = 1, int physicalAddressBits = 52)
    {
        if (guardPages < 0 || guardPages > 1 << 20) return Result<AddressSpace>.Fail(MemoryError.InvalidArgument);
        var table = PageTable.Create(memory, frames, tlb, kernelHalf, physicalAddressBits);
        if (!table.Ok) return Result<AddressSpace>.Fail(table.Error);
        return Result<AddressSpace>.Success(new AddressSpace(memory, frames, table.Value, (ulong)guardPages * Page));
    }

    public PageTable PageTable { get; }
    public IFrameAllocator Frames => _frames;
    public IPhysicalMemory Memory => _memory;

    /// <summary>Unmapped bytes first-fit placement and Grow keep between regions.</summary>
    public ulong GuardBytes { get; }

    /// <summary>
    /// The policy for what is mapped from now on (Immediate or Demand): new regions and growth get it unless told
    /// otherwise. Switching it changes nothing already mapped; each region records what backs each of its parts.
    /// </summary>
    public RegionBacking DefaultBacking { get; private set; } = RegionBacking.Immediate;

    /// <summary>Switch the default policy at run time. MMIO is not a policy → InvalidArgument.</summary>
    public MemoryError SetDefaultBacking(RegionBacking backing)
    {
        if (backing == RegionBacking.Mmio) return MemoryError.InvalidArgument;
        DefaultBacking = backing;
        return MemoryError.None;
    }

    public int RegionCount => _count;

    /// <summary>The regions in address order (for a /proc/PID/maps style listing).</summary>
    public ReadOnlySpan<Region> Regions => new(_regions, 0, _count);

    /// <summary>Pages present across all regions.</summary>
    public ulong ResidentPages
    {
        get
        {
            ulong total = 0;
            for (int i = 0; i < _count; i++) total += _regions[i].ResidentPages;
            return total;
        }
    }

    /// <summary>The region containing an address, or null. Binary search; no allocation.</summary>
    public Region? FindRegion(VirtualAddress address)
    {
        int i = UpperBound(address.Value) - 1;
        return i >= 0 && _regions[i].Contains(address) ? _regions[i] : null;
    }

    /// <summary>Create an anonymous region (Immediate or Demand; default policy when null).</summary>
    public Result<Region> CreateRegion(string name, ulong length, RegionFlags flags, RegionPlacement placement,
        RegionBacking? backing = null)
    {
        var policy = backing ?? DefaultBacking;
        if (policy == RegionBacking.Mmio) return Result<Region>.Fail(MemoryError.InvalidArgument);
        return CreateCore(name, length, flags, placement, policy, default);
    }

    /// <summary>
    /// Map a device's physical range [physical, physical + length) uncached. Its frames are never freed.
    /// </summary>
    public Result<Region> CreateMmioRegion(string name, PhysicalAddress physical, ulong length, RegionFlags flags,
        RegionPlacement placement)
    {
        if (!physical.IsFrameAligned) return Result<Region>.Fail(MemoryError.Misaligned);
        if (length == 0) return Result<Region>.Fail(MemoryError.InvalidArgument);
        return CreateCore(name, length, flags, placement, RegionBacking.Mmio, physical);
    }

    /// <summary>
    /// Unmap every page of a region, return its frames (not MMIO ones) and empty tables, and forget it.
    /// </summary>
    public MemoryError FreeRegion(Region region)
    {
        int index = IndexOf(region);
        if (index < 0) return MemoryError.NoRegion;
        UnmapRange(region, region.Base, region.Length);
        Array.Copy(_regions, index + 1, _regions, index, _count - index - 1);
        _regions[--_count] = null!;
        if (MemoryTrace.On)
            MemoryTrace.Emit(MemoryEventKind.RegionFreed, region.Base.Value, region.Length, region: region);
        return MemoryError.None;
    }

    /// <summary>
    /// Extend a region at its end by page-aligned bytes, backed per the policy (default when null); the region
    /// records the new part's backing. No managed allocation.
    /// </summary>
    public MemoryError Grow(Region region, ulong bytes, RegionBacking? backing = null)
    {
        int index = IndexOf(region);
        if (index < 0) return MemoryError.NoRegion;
        if ((bytes & (Page - 1)) != 0) return MemoryError.Misaligned;
        if (bytes == 0) return MemoryError.None;
        var policy = backing ?? DefaultBacking;
        if (region.IsMmio || policy == RegionBacking.Mmio) return MemoryError.InvalidArgument;
        if (bytes > ulong.MaxValue - region.Length) return MemoryError.OutOfRange;
        ulong newLength = region.Length + bytes;
        var error = CheckRange(region.Base.Value, newLength, region.Flags);
        if (error != MemoryError.None) return error;
        if (index + 1 < _count
            && SaturatingAdd(region.Base.Value + newLength, GuardBytes) > _regions[index + 1].Base.Value)
            return MemoryError.NoSpace;
        if (region.PartCount == Region.MaxParts && region.BackingAt(region.End) != policy) return MemoryError.NoSpace;
        if (MemoryTrace.On)
            MemoryTrace.Emit(MemoryEventKind.RegionGrown, region.End.Value, bytes, detail: (uint)policy,
                region: region);
        if (policy == RegionBacking.Immediate)
        {
            error = Populate(region, region.End, bytes);
            if (error != MemoryError.None) return error;
        }
        region.BackFromEnd(policy);
        region.Length = newLength;
        return MemoryError.None;
    }

    /// <summary>
    /// Give back page-aligned bytes at a region's end (unmapped, frames returned). No managed allocation.
    /// </summary>
    public MemoryError Shrink(Region region, ulong bytes)
    {
        int index = IndexOf(region);
        if (index < 0) return MemoryError.NoRegion;
        if ((bytes & (Page - 1)) != 0) return MemoryError.Misaligned;
        if (bytes > region.Length) return MemoryError.InvalidArgument;
        var newEnd = new VirtualAddress(region.End.Value - bytes);
        if (MemoryTrace.On) MemoryTrace.Emit(MemoryEventKind.RegionShrunk, newEnd.Value, bytes, region: region);
        UnmapRange(region, newEnd, bytes);
        region.Length -= bytes;
        region.TrimParts(region.Length);
        return MemoryError.None;
    }

    /// <summary>
    /// Map an existing frame read-only at an unmapped page of a region, adding a reference: the next write copies it
    /// (COW sharing).
    /// </summary>
    public MemoryError ShareFrame(Region region, VirtualAddress page, PhysicalAddress frame)
    {
        if (IndexOf(region) < 0) return MemoryError.NoRegion;
        if (!page.IsPageAligned || !frame.IsFrameAligned) return MemoryError.Misaligned;
        if (!region.Contains(page)) return MemoryError.OutOfRange;
        if (region.IsMmio) return MemoryError.InvalidArgument;
        if (PageTable.Lookup(page).IsMapped) return MemoryError.AlreadyMapped;
        DropCharge(region, page); // a shared frame replaces a committed page's promise
        var error = _frames.AddReference(frame);
        if (error != MemoryError.None) return error;
        var change = PageTable.Map(page, frame, region.PageFlags & ~PageFlags.Writable);
        if (!change.Ok)
        {
            _frames.FreeFrame(frame);
            return change.Error;
        }
        region.ResidentPages++;
        return MemoryError.None;
    }

    // ---- fault actions: what the page-fault resolver decided, carried out ------------------------------------

    /// <summary>
    /// Demand read of an unmapped page of an anonymous region: map the shared zero page read-only, adding a
    /// reference. OutOfRange when the zero page's count cannot grow; the page table's error otherwise.
    /// </summary>
    public MemoryError MapZeroPage(Region region, VirtualAddress page, PhysicalAddress zeroPage)
        => MapZeroPage(region, page, zeroPage, 0);

    // The fault path's form: leafTable is the page table its decision's walk found (PageTable.MapInLeafTable), or 0.
    internal MemoryError MapZeroPage(Region region, VirtualAddress page, PhysicalAddress zeroPage, ulong leafTable)
    {
        // A committed page is not shared: even a read gives it the frame charged for it.
        if (region.ChargedPages != 0 && PageTable.IsChargedIn(leafTable, page))
        {
            var own = MapDemandPage(region, page, leafTable);
            return own.Ok ? MemoryError.None : own.Error;
        }
        var flags = region.PageFlags & ~PageFlags.Writable;
        var error = _frames.AddReference(zeroPage);
        if (error != MemoryError.None) return MemoryError.OutOfRange;
        var change = PageTable.MapInLeafTable(leafTable, page, zeroPage, flags);
        if (!change.Ok)
        {
            _frames.FreeFrame(zeroPage);
            return change.Error;
        }
        region.ResidentPages++;
        if (MemoryTrace.On)
            MemoryTrace.Emit(MemoryEventKind.ZeroPageMapped, page.Value, frame: zeroPage.Value, region: region);
        return MemoryError.None;
    }

    /// <summary>
    /// Demand write of an unmapped page: a fresh zeroed frame, mapped with the region's permissions. A committed
    /// (charged) page takes its charged frame, and its tables exist: this cannot fail for it.
    /// </summary>
    public Result<PhysicalAddress> MapDemandPage(Region region, VirtualAddress page) => MapDemandPage(region, page, 0);

    // The fault path's form: leafTable is the page table its decision's walk found (PageTable.MapInLeafTable), or 0.
    internal Result<PhysicalAddress> MapDemandPage(Region region, VirtualAddress page, ulong leafTable)
    {
        bool charged = TakeCharge(region, page, leafTable, out PhysicalAddress chargedFrame);
        var frame = charged ? Result<PhysicalAddress>.Success(chargedFrame)
            : region.IsUser ? _frames.AllocateUserFrame() : _frames.AllocateFrame();
        if (!frame.Ok) return frame;
        _memory.Zero(frame.Value, Page);
        var change = PageTable.MapInLeafTable(leafTable, page, frame.Value, region.PageFlags);
        if (!change.Ok)
        {
            _frames.FreeFrame(frame.Value);
            if (charged) PageTable.ClearCharged(page); // its charge was spent on the frame just freed
            return Result<PhysicalAddress>.Fail(change.Error);
        }
        region.ResidentPages++;
        if (MemoryTrace.On)
            MemoryTrace.Emit(MemoryEventKind.DemandPageMapped, page.Value, frame: frame.Value.Value, region: region);
        return frame;
    }

    /// <summary>
    /// Copy on write: a new frame, a copy of <paramref name="source"/> (zeroed when the source is the zero page,
    /// <paramref name="sourceIsZero"/>), replaces the read-only mapping, and the old frame loses a reference.
    /// </summary>
    public Result<PhysicalAddress> CopyOnWrite(Region region, VirtualAddress page, PhysicalAddress source,
        bool sourceIsZero)
    {
        var frame = region.IsUser ? _frames.AllocateUserFrame() : _frames.AllocateFrame();
        if (!frame.Ok) return frame;
        if (sourceIsZero) _memory.Zero(frame.Value, Page);
        else _memory.Copy(frame.Value, source, Page);
        var change = PageTable.Replace(page, frame.Value, region.PageFlags);
        if (!change.Ok)
        {
            _frames.FreeFrame(frame.Value);
            return Result<PhysicalAddress>.Fail(change.Error);
        }
        if (MemoryTrace.On)
            MemoryTrace.Emit(MemoryEventKind.PageCopied, page.Value, frame: frame.Value.Value,
                value: sourceIsZero ? 0 : source.Value, region: region);
        _frames.FreeFrame(change.Frame);
        return frame;
    }

    /// <summary>A read-only page whose frame nobody else holds: give it the region's permissions in place.</summary>
    public MemoryError MakeWritable(Region region, VirtualAddress page, PhysicalAddress frame)
    {
        var change = PageTable.Protect(page, region.PageFlags);
        if (!change.Ok) return change.Error;
        if (MemoryTrace.On)
            MemoryTrace.Emit(MemoryEventKind.PageMadeWritable, page.Value, frame: frame.Value, region: region);
        return MemoryError.None;
    }

    /// <summary>Free every region, then the page table. The object is unusable afterwards.</summary>
    public MemoryError Destroy()
    {
        if (_destroyed) return MemoryError.DoubleFree;
        while (_count > 0) FreeRegion(_regions[_count - 1]);
        var error = PageTable.Destroy();
        if (error == MemoryError.None) _destroyed = true;
        return error;
    }

    // ---- internals -------------------------------------------------------------------------------

    private Result<Region> CreateCore(string name, ulong length, RegionFlags flags, RegionPlacement placement,
        RegionBacking backing, PhysicalAddress mmioBase)
    {
        if (_destroyed) return Result<Region>.Fail(MemoryError.InvalidArgument);
        if ((length & (Page - 1)) != 0) return Result<Region>.Fail(MemoryError.Misaligned);
        ulong baseAddress;
        if (placement.IsFixed)
        {
            baseAddress = placement.Low.Value;
            if ((baseAddress & (Page - 1)) != 0) return Result<Region>.Fail(MemoryError.Misaligned);
            var error = CheckRange(baseAddress, length, flags);
            if (error != MemoryError.None) return Result<Region>.Fail(error);
            if (Overlaps(baseAddress, length)) return Result<Region>.Fail(MemoryError.Overlap);
        }
        else
        {
            var found = FindFree(length, placement.Low.Value, placement.High.Value);
            if (!found.Ok) return Result<Region>.Fail(found.Error);
            baseAddress = found.Value;
            var error = CheckRange(baseAddress, length, flags);
            if (error != MemoryError.None) return Result<Region>.Fail(error);
        }
        if (backing == RegionBacking.Mmio && mmioBase.Value > ulong.MaxValue - length)
            return Result<Region>.Fail(MemoryError.OutOfRange);

        var region = new Region(this, name, new VirtualAddress(baseAddress), length, flags, backing, mmioBase);
        if (_count == _regions.Length) Array.Resize(ref _regions, _regions.Length * 2);
        if (MemoryTrace.On)
            MemoryTrace.Emit(MemoryEventKind.RegionCreated, baseAddress, length, detail: (uint)backing, region: region);
        if (backing != RegionBacking.Demand)
        {
            var error = Populate(region, region.Base, length);
            if (error != MemoryError.None) return Result<Region>.Fail(error);
        }
        int at = UpperBound(baseAddress);
        Array.Copy(_regions, at, _regions, at + 1, _count - at);
        _regions[at] = region;
        _count++;
        return Result<Region>.Success(region);
    }

    // Map [start, start + length) of a region: fresh zeroed frames, or the MMIO range. On failure undo it all.
    private MemoryError Populate(Region region, VirtualAddress start, ulong length)
    {
        var flags = region.PageFlags;
        for (ulong offset = 0; offset < length; offset += Page)
        {
            var va = start + offset;
            PhysicalAddress frame;
            if (region.IsMmio) frame = region.MmioBase + (va.Value - region.Base.Value);
            else
            {
                var allocated = region.IsUser ? _frames.AllocateUserFrame() : _frames.AllocateFrame();
                if (!allocated.Ok)
                {
                    UnmapRange(region, start, offset);
                    return allocated.Error;
                }
                frame = allocated.Value;
                _memory.Zero(frame, Page);
            }
            var change = PageTable.Map(va, frame, flags);
            if (!change.Ok)
            {
                if (!region.IsMmio) _frames.FreeFrame(frame);
                UnmapRange(region, start, offset);
                return change.Error;
            }
            region.ResidentPages++;
        }
        return MemoryError.None;
    }

    // Unmap whatever is mapped in [start, start + length), skipping holes a whole missing table at a time.
    private void UnmapRange(Region region, VirtualAddress start, ulong length)
    {
        ulong va = start.Value;
        ulong end = start.Value + length;
        while (va < end)
        {
            var lookup = PageTable.Lookup(new VirtualAddress(va));
            if (!lookup.IsMapped)
            {
                if (lookup.Extent == Page) DropCharge(region, new VirtualAddress(va));
                ulong next = lookup.Page.Value + lookup.Extent;
                if (next <= va) break; // wrapped past the top
                va = next;
                continue;
            }
            var change = PageTable.Unmap(new VirtualAddress(va));
            if (change.Ok)
            {
                if (!region.IsMmio) _frames.FreeFrame(change.Frame);
                region.ResidentPages--;
            }
            va += Page;
        }
    }

    // First fit in [low, high) with GuardBytes on each side of every existing region.
    private Result<ulong> FindFree(ulong length, ulong low, ulong high)
    {
        ulong occupied = Math.Max(length, Page);
        ulong candidate = (low + Page - 1) & ~(Page - 1);
        if (candidate < low || high <= low) return Result<ulong>.Fail(MemoryError.InvalidArgument);
        for (int i = 0; i < _count; i++)
        {
            ulong start = _regions[i].Base.Value;
            ulong end = start + Math.Max(_regions[i].Length, Page);
            if (SaturatingAdd(end, GuardBytes) <= candidate) continue;
            if (SaturatingAdd(SaturatingAdd(candidate, occupied), GuardBytes) <= start) break;
            candidate = Math.Max(candidate, SaturatingAdd(end, GuardBytes));
        }
        if (SaturatingAdd(candidate, occupied) > high) return Result<ulong>.Fail(MemoryError.NoSpace);
        return Result<ulong>.Success(candidate);
    }

    // A region must be canonical, stay in one half, avoid the top page, and be User only in the lower half.
    private static MemoryError CheckRange(ulong baseAddress, ulong length, RegionFlags flags)
    {
        if (!new VirtualAddress(baseAddress).IsCanonical) return MemoryError.NonCanonical;
        ulong occupied = Math.Max(length, Page);
        if (baseAddress > HighestUsable || occupied > HighestUsable - baseAddress) return MemoryError.OutOfRange;
        ulong last = baseAddress + occupied - 1;
        if (!new VirtualAddress(last).IsCanonical || (last >> 63) != (baseAddress >> 63))
            return MemoryError.NonCanonical;
        if ((flags & RegionFlags.User) != 0 && (baseAddress >> 63) != 0) return MemoryError.InvalidArgument;
        return MemoryError.None;
    }

    // Zero-length regions still own their base page so two can never share an address.
    private bool Overlaps(ulong baseAddress, ulong length)
    {
        ulong end = baseAddress + Math.Max(length, Page);
        int at = UpperBound(baseAddress);
        if (at > 0)
        {
            var before = _regions[at - 1];
            if (before.Base.Value + Math.Max(before.Length, Page) > baseAddress) return true;
        }
        return at < _count && _regions[at].Base.Value < end;
    }

    private int IndexOf(Region region)
    {
        if (region.Owner != this) return -1;
        int i = UpperBound(region.Base.Value) - 1;
        return i >= 0 && ReferenceEquals(_regions[i], region) ? i : -1;
    }

    // Index of the first region whose base is above an address.
    private int UpperBound(ulong address)
    {
        int lo = 0, hi = _count;
        while (lo < hi)
        {
            int mid = (lo + hi) >> 1;
            if (_regions[mid].Base.Value <= address) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    private static ulong SaturatingAdd(ulong a, ulong b) => a > ulong.MaxValue - b ? ulong.MaxValue : a + b;
}
