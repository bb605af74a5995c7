using System;
using System.Collections.Generic;
using System.Numerics;
using System.Runtime.CompilerServices;
using MemOS.Memory.Tracing;

namespace MemOS.Memory.Physical;

/// <summary>
/// The PMM: hands out 4 KiB frames and naturally aligned runs of 2^order frames (order 0..10, up to 4 MiB).
/// A bitmap (1 bit per frame, set = not free) is the ground truth; a buddy layer keeps its free lists inside
/// the free frames themselves, so alloc and free are O(log n) with no scan, and metadata stays ~0.08 % of RAM.
/// </summary>
/// <remarks>
/// Frames live in zones: runs of usable memory from the <see cref="MemoryMap"/>, merged across small holes (the
/// hole's frames are reserved inside the zone), so a sparse map never costs a bitmap for the gaps between.
/// Per frame: a bitmap bit, a ushort reference count (counts past 65534 spill into a 16-slot overflow table,
/// for the shared zero page) and a byte tag (low nibble: <see cref="FrameUsage"/>; high nibble: 1 + order when
/// the frame heads a block, free or allocated). A free block's first frame holds {next, prev, magic}, written
/// through <see cref="IPhysicalMemory"/>: all usable RAM must be reachable through it before construction.
/// Unconstrained allocations come from the lowest zone that can serve them.
/// Hot paths (allocate/free/reference) allocate no managed memory and never throw.
/// </remarks>
public sealed partial class PhysicalMemoryManager : IFrameAllocator
{
    /// <summary>Largest buddy order: 2^10 frames = 4 MiB.</summary>
    public const int MaxOrder = 10;
    /// <summary>Number of buddy orders (0..MaxOrder).</summary>
    public const int Orders = MaxOrder + 1;

    private const ulong Null = ulong.MaxValue;
    // "!FREEBLK": a free block's header, to catch writes after free.
    private const ulong FreeMagic = 0x4B4C_4245_4552_4621;

    private readonly IPhysicalMemory _memory;
    private readonly Zone[] _zones;
    private readonly ulong[] _heads;          // [zone * Orders + order] → first free block's frame, or Null
    private readonly ulong[] _bitmap;
    private readonly ushort[] _refs;
    private readonly byte[] _tags;
    private readonly OverflowSlot[] _overflow = new OverflowSlot[OverflowSlots];
    private readonly ulong[] _freeBlocks = new ulong[Orders];
    private readonly MemoryRange[] _map;      // for UsageOf and error kinds outside the zones
    private readonly ulong _totalFrames, _usableFrames;
    private ulong _freeFrames, _usedFrames;

    /// <summary>
    /// Every usable frame of <paramref name="map"/> free, everything else reserved. Throws only for a map with an error
    /// (check <see cref="MemoryMap.Error"/>, or use <see cref="Create"/>).
    /// </summary>
    public PhysicalMemoryManager(MemoryMap map, IPhysicalMemory memory)
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(memory);
        if (map.Error != MemoryError.None)
            throw new ArgumentException("memory map is not usable: " + map.Error.Name(), nameof(map));
        _memory = memory;

        var usable = new List<(ulong Start, ulong End)>();
        foreach (var r in map.Ranges)
            if (r.Type == MemoryType.Usable)
                usable.Add((r.Base.Value / PhysicalAddress.FrameSize, r.End / PhysicalAddress.FrameSize));
        if (usable.Count == 0)
            throw new ArgumentException("memory map has no usable frame", nameof(map));

        _zones = BuildZones(usable);
        foreach (var z in _zones) _totalFrames += z.End - z.Start;
        _bitmap = new ulong[(_totalFrames + 63) / 64];
        _refs = new ushort[_totalFrames];
        _tags = new byte[_totalFrames];
        _heads = new ulong[_zones.Length * Orders];
        Array.Fill(_heads, Null);
        Array.Fill(_bitmap, ulong.MaxValue);
        Array.Fill(_tags, (byte)FrameUsage.Reserved);
        for (int i = 0; i < _overflow.Length; i++) _overflow[i].Frame = Null;

        _map = new MemoryRange[map.Ranges.Count];
        for (int i = 0; i < _map.Length; i++) _map[i] = map.Ranges[i];
        TagKernelFrames();

        foreach (var (start, end) in usable)
        {
            int zi = ZoneOf(start);
            ref Zone z = ref _zones[zi];
            SetBits(z.Meta + start - z.Start, end - start, false);
            Span<byte> tags = _tags.AsSpan((int)(z.Meta + start - z.Start), (int)(end - start));
            tags.Fill((byte)FrameUsage.Free);
            z.FreeFrames += end - start;
            _usableFrames += end - start;
        }
        _freeFrames = _usableFrames;
        // No list yet: the free memory is carved into blocks when first needed (nothing written into free RAM).
        MakeFreshRuns(usable);
    }

    /// <summary>
    /// A PMM for <paramref name="map"/>, or InvalidArgument for a missing/empty map and OutOfMemory when nothing is
    /// usable.
    /// </summary>
    public static Result<PhysicalMemoryManager> Create(MemoryMap map, IPhysicalMemory memory)
    {
        if (map.Error != MemoryError.None) return Result<PhysicalMemoryManager>.Fail(map.Error);
        if (map.UsableBytes == 0) return Result<PhysicalMemoryManager>.Fail(MemoryError.OutOfMemory);
        return Result<PhysicalMemoryManager>.Success(new PhysicalMemoryManager(map, memory));
    }

    /// <summary>Frames free right now.</summary>
    public ulong FreeFrameCount => _freeFrames;

    /// <summary>
    /// Bytes of all PMM metadata: bitmap, reference counts, tags, zones, list heads, overflow table, map copy.
    /// </summary>
    public ulong MetadataBytes =>
        (ulong)_bitmap.Length * 8 + (ulong)_refs.Length * 2 + (ulong)_tags.Length
        + (ulong)_zones.Length * 56 + (ulong)_fresh.Length * 16 + (ulong)_heads.Length * 8 + OverflowSlots * 16
        + (ulong)_map.Length * 24 + Orders * 8 + FrameCacheCapacity * 16;

    /// <summary>A snapshot of the counters (no allocation).</summary>
    public PhysicalMemoryStatistics Statistics
    {
        get
        {
            var counts = new FreeBlockCounts();
            for (int i = 0; i < Orders; i++) counts[i] = _freeBlocks[i];
            CountFreshBlocks(ref counts);
            counts[0] += (ulong)_cachedCount; // cached frames are free single frames too
            return new PhysicalMemoryStatistics(_totalFrames, _usableFrames, _freeFrames, _usedFrames,
                _totalFrames - _usableFrames, counts, MetadataBytes,
                new FrameCacheStatistics((ulong)_cachedCount, _cacheRefills, _cacheDrains));
        }
    }

    /// <summary>One frame tagged Used, reference count 1.</summary>
    public Result<PhysicalAddress> AllocateFrame() => TakeCached(FrameUsage.Used);

    /// <summary>One frame with a usage tag (Used, Kernel, PageTable, Heap or Zero), reference count 1.</summary>
    public Result<PhysicalAddress> AllocateFrame(FrameUsage usage)
        => IsAllocationUsage(usage) ? TakeCached(usage) : Result<PhysicalAddress>.Fail(MemoryError.InvalidArgument);

    /// <summary>
    /// 2^order contiguous frames (order 0..10), each with reference count 1, aligned to the run's size and to
    /// <paramref name="constraints"/>.Alignment, wholly below its Limit. Constrained requests may walk a free list.
    /// </summary>
    public Result<PhysicalAddress> AllocateContiguous(int order, FrameConstraints constraints, FrameUsage usage)
    {
        if (order < 0 || order > MaxOrder || !IsAllocationUsage(usage))
            return Result<PhysicalAddress>.Fail(MemoryError.InvalidArgument);
        ulong alignment = constraints.Alignment;
        if (alignment != 0 && (alignment < PhysicalAddress.FrameSize || !BitOperations.IsPow2(alignment)))
            return Result<PhysicalAddress>.Fail(MemoryError.Misaligned);
        int alignOrder = alignment == 0 ? 0 : BitOperations.Log2(alignment / PhysicalAddress.FrameSize);
        if (alignOrder <= order && !constraints.HasLimit) return Allocate(order, usage);

        int need = Math.Max(order, alignOrder);
        ulong alignMask = need >= 63 ? ulong.MaxValue : (1UL << need) - 1;
        ulong run = 1UL << order;
        ulong limitFrame = constraints.HasLimit ? constraints.Limit.Value / PhysicalAddress.FrameSize : Null;
        for (int zi = 0; zi < _zones.Length; zi++)
        {
            ref Zone z = ref _zones[zi];
            if (z.Start + run > limitFrame) break; // zones are sorted: nothing higher fits either
            bool wholeZoneBelow = z.End <= limitFrame;
            do
            {
                for (int j = order; j <= MaxOrder; j++)
                {
                    if ((z.NonEmpty & (1 << j)) == 0) continue;
                    ulong head = _heads[zi * Orders + j];
                    if (j >= need && wholeZoneBelow) return Take(zi, head, j, order, usage);
                    // The run always starts at the block's start: a block smaller than the alignment qualifies only
                    // if it is aligned itself.
                    for (ulong b = head; b != Null; b = _memory.Read64(PhysicalAddress.FromFrame(b)))
                        if ((b & alignMask) == 0 && b + run <= limitFrame) return Take(zi, b, j, order, usage);
                }
            } while (CarveFresh(zi, limitFrame)); // fresh memory below the limit, a block at a time
        }
        if (DrainFrameCache() > 0) return AllocateContiguous(order, constraints, usage);
        return Result<PhysicalAddress>.Fail(MemoryError.OutOfMemory);
    }

    /// <summary>
    /// Drops one reference; at zero the frame is free again. Extra references on a frame of a larger run can be
    /// dropped, but the run itself is freed by <see cref="FreeContiguous"/> (else InvalidArgument).
    /// </summary>
    public MemoryError FreeFrame(PhysicalAddress frame)
        => TryCacheFrame(frame) ? MemoryError.None : FreeFrameGeneral(frame);

    // Every case but the cache's (shared, spilled, part of a run, a full cache, not allocated, bad address).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private MemoryError FreeFrameGeneral(PhysicalAddress frame)
    {
        var error = Locate(frame, MemoryError.DoubleFree, out int zi, out ulong number, out ulong idx);
        if (error != MemoryError.None) return error;
        ushort count = _refs[idx];
        if (count == RefSpilled || count > 1)
        {
            if (count == RefSpilled) DropSpilled(number, idx);
            else _refs[idx] = (ushort)(count - 1);
            if (MemoryTrace.On)
                MemoryTrace.Emit(MemoryEventKind.ReferenceDropped, frame: frame.Value,
                    value: (ulong)ReferenceCount(frame));
            return MemoryError.None;
        }
        // the last reference to part of a larger run: free the run with FreeContiguous
        if (HeadOrder(_tags[idx]) != 0) return MemoryError.InvalidArgument;
        Release(zi, number, 0);
        return MemoryError.None;
    }

    /// <summary>
    /// Frees a run from <see cref="AllocateContiguous"/> with the order it was allocated with. Shared frames (count >
    /// 1) → Conflict.
    /// </summary>
    public MemoryError FreeContiguous(PhysicalAddress address, int order)
    {
        if (order < 0 || order > MaxOrder) return MemoryError.InvalidArgument;
        var error = Locate(address, MemoryError.DoubleFree, out int zi, out ulong number, out ulong idx);
        if (error != MemoryError.None) return error;
        if ((number & ((1UL << order) - 1)) != 0) return MemoryError.Misaligned;
        if (HeadOrder(_tags[idx]) != order) return MemoryError.InvalidArgument;
        ulong run = 1UL << order;
        for (ulong k = 0; k < run; k++)
            if (_refs[idx + k] != 1) return MemoryError.Conflict;
        Release(zi, number, order);
        return MemoryError.None;
    }

    /// <summary>
    /// Adds a reference to an allocated frame. Past 65534 the count spills to a 16-slot table; when that is full →
    /// OutOfRange.
    /// </summary>
    public MemoryError AddReference(PhysicalAddress frame)
    {
        var error = Locate(frame, MemoryError.NotAllocated, out _, out ulong number, out ulong idx);
        if (error != MemoryError.None) return error;
        ushort count = _refs[idx];
        error = count < RefSpilled - 1 ? Increment(idx, count) : AddSpilledReference(number, idx);
        if (error == MemoryError.None && MemoryTrace.On)
            MemoryTrace.Emit(MemoryEventKind.ReferenceAdded, frame: frame.Value, value: (ulong)ReferenceCount(frame));
        return error;
    }

    /// <summary>
    /// References held on the frame containing <paramref name="frame"/>; 0 for free, reserved or unknown.
    /// </summary>
    public int ReferenceCount(PhysicalAddress frame)
    {
        ulong number = frame.FrameNumber;
        int zi = ZoneOf(number);
        if (zi < 0) return 0;
        ushort count = _refs[_zones[zi].Meta + number - _zones[zi].Start];
        return count == RefSpilled ? (int)_overflow[FindSlot(number)].Count : count;
    }

    /// <summary>
    /// What the frame containing <paramref name="address"/> is used for; Absent where there is no RAM.
    /// </summary>
    public FrameUsage UsageOf(PhysicalAddress address)
    {
        ulong number = address.FrameNumber;
        int zi = ZoneOf(number);
        if (zi >= 0) return (FrameUsage)(_tags[_zones[zi].Meta + number - _zones[zi].Start] & 0x0F);
        int r = MapIndexOf(address.Value);
        if (r < 0) return FrameUsage.Absent;
        return _map[r].Type == MemoryType.KernelImage ? FrameUsage.Kernel : FrameUsage.Reserved;
    }

    /// <summary>Re-tags an allocated frame (e.g. a frame that became a page table).</summary>
    public MemoryError SetUsage(PhysicalAddress frame, FrameUsage usage)
    {
        if (!IsAllocationUsage(usage)) return MemoryError.InvalidArgument;
        var error = Locate(frame, MemoryError.NotAllocated, out _, out _, out ulong idx);
        if (error != MemoryError.None) return error;
        _tags[idx] = (byte)((_tags[idx] & 0xF0) | (int)usage);
        return MemoryError.None;
    }

    /// <summary>
    /// Verifies bitmap, buddy lists, tags, counters and the overflow table agree. Walks every frame: not for hot paths.
    /// </summary>
    public MemoryError Check() => Check(out _);

    /// <summary>As <see cref="Check()"/>, with the first disagreement described (Conflict), or null.</summary>
    public MemoryError Check(out string? problem)
    {
        problem = CheckAll();
        return problem == null ? MemoryError.None : MemoryError.Conflict;
    }

    // Finds an allocated frame: Misaligned, UnknownFrame (no RAM), ReservedFrame, or notAllocated when it is free.
    private MemoryError Locate(PhysicalAddress address, MemoryError notAllocated, out int zi, out ulong number,
        out ulong idx)
    {
        number = address.FrameNumber;
        idx = 0;
        zi = -1;
        if (!address.IsFrameAligned) return MemoryError.Misaligned;
        zi = ZoneOf(number);
        if (zi < 0) return MapIndexOf(address.Value) >= 0 ? MemoryError.ReservedFrame : MemoryError.UnknownFrame;
        idx = _zones[zi].Meta + number - _zones[zi].Start;
        if ((_bitmap[idx >> 6] & (1UL << (int)(idx & 63))) == 0) return notAllocated;
        if (_refs[idx] == 0) return MemoryError.ReservedFrame;
        return MemoryError.None;
    }

    private MemoryError Increment(ulong idx, ushort count)
    {
        _refs[idx] = (ushort)(count + 1);
        return MemoryError.None;
    }

    private static bool IsAllocationUsage(FrameUsage usage)
        => usage is FrameUsage.Used or FrameUsage.Kernel or FrameUsage.PageTable or FrameUsage.Heap or FrameUsage.Zero;
}
