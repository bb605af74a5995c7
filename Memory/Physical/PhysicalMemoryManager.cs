using System;
using System.Collections.Generic;
using System.Numerics;

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
public sealed class PhysicalMemoryManager : IFrameAllocator
{
    /// <summary>Largest buddy order: 2^10 frames = 4 MiB.</summary>
    public const int MaxOrder = 10;
    /// <summary>Number of buddy orders (0..MaxOrder).</summary>
    public const int Orders = MaxOrder + 1;

    private const ulong Null = ulong.MaxValue;
    private const ulong FreeMagic = 0x4B4C_4245_4552_4621; // "!FREEBLK": a free block's header, to catch writes after free
    private const ushort RefSpilled = ushort.MaxValue;     // the count lives in the overflow table
    private const int OverflowSlots = 16;
    private const ulong ZoneGapRatio = 32;                 // merge a hole into a zone when it is at most 1/32 of the usable frames around it

    private struct Zone
    {
        public ulong Start, End;   // frame numbers [Start, End)
        public ulong Meta;         // index of Start in the bitmap, reference counts and tags
        public ulong FreeFrames;
        public int NonEmpty;       // bit k set: the order-k free list is not empty
    }

    private struct OverflowSlot
    {
        public ulong Frame;
        public uint Count;
    }

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

    /// <summary>Every usable frame of <paramref name="map"/> free, everything else reserved. Throws only for a map with an error (check <see cref="MemoryMap.Error"/>, or use <see cref="Create"/>).</summary>
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
            // Greedy largest aligned blocks: exactly the shape full coalescing returns to.
            for (ulong f = start; f < end;)
            {
                int order = MaxOrder;
                while (order > 0 && ((f & ((1UL << order) - 1)) != 0 || f + (1UL << order) > end)) order--;
                Push(zi, f, order);
                f += 1UL << order;
            }
            z.FreeFrames += end - start;
            _usableFrames += end - start;
        }
        _freeFrames = _usableFrames;
    }

    /// <summary>A PMM for <paramref name="map"/>, or InvalidArgument for a missing/empty map and OutOfMemory when nothing is usable.</summary>
    public static Result<PhysicalMemoryManager> Create(MemoryMap map, IPhysicalMemory memory)
    {
        if (map.Error != MemoryError.None) return Result<PhysicalMemoryManager>.Fail(map.Error);
        if (map.UsableBytes == 0) return Result<PhysicalMemoryManager>.Fail(MemoryError.OutOfMemory);
        return Result<PhysicalMemoryManager>.Success(new PhysicalMemoryManager(map, memory));
    }

    /// <summary>Frames free right now.</summary>
    public ulong FreeFrameCount => _freeFrames;

    /// <summary>Bytes of all PMM metadata: bitmap, reference counts, tags, zones, list heads, overflow table, map copy.</summary>
    public ulong MetadataBytes =>
        (ulong)_bitmap.Length * 8 + (ulong)_refs.Length * 2 + (ulong)_tags.Length
        + (ulong)_zones.Length * 40 + (ulong)_heads.Length * 8 + OverflowSlots * 16
        + (ulong)_map.Length * 24 + Orders * 8;

    /// <summary>A snapshot of the counters (no allocation).</summary>
    public PhysicalMemoryStatistics Statistics
    {
        get
        {
            var counts = new FreeBlockCounts();
            for (int i = 0; i < Orders; i++) counts[i] = _freeBlocks[i];
            return new PhysicalMemoryStatistics(_totalFrames, _usableFrames, _freeFrames, _usedFrames,
                _totalFrames - _usableFrames, counts, MetadataBytes);
        }
    }

    /// <summary>One frame tagged Used, reference count 1.</summary>
    public Result<PhysicalAddress> AllocateFrame() => Allocate(0, FrameUsage.Used);

    /// <summary>One frame with a usage tag (Used, Kernel, PageTable, Heap or Zero), reference count 1.</summary>
    public Result<PhysicalAddress> AllocateFrame(FrameUsage usage)
        => IsAllocationUsage(usage) ? Allocate(0, usage) : Result<PhysicalAddress>.Fail(MemoryError.InvalidArgument);

    /// <summary>
    /// 2^order contiguous frames (order 0..10), each with reference count 1, aligned to the run's size and to
    /// <paramref name="constraints"/>.Alignment, wholly below its Limit. Constrained requests may walk a free list.
    /// </summary>
    public Result<PhysicalAddress> AllocateContiguous(int order, FrameConstraints constraints, FrameUsage usage)
    {
        if (order < 0 || order > MaxOrder || !IsAllocationUsage(usage)) return Result<PhysicalAddress>.Fail(MemoryError.InvalidArgument);
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
            for (int j = order; j <= MaxOrder; j++)
            {
                if ((z.NonEmpty & (1 << j)) == 0) continue;
                ulong head = _heads[zi * Orders + j];
                if (j >= need && wholeZoneBelow) return Take(zi, head, j, order, usage);
                // The run always starts at the block's start: a block smaller than the alignment qualifies only if it is aligned itself.
                for (ulong b = head; b != Null; b = _memory.Read64(PhysicalAddress.FromFrame(b)))
                    if ((b & alignMask) == 0 && b + run <= limitFrame) return Take(zi, b, j, order, usage);
            }
        }
        return Result<PhysicalAddress>.Fail(MemoryError.OutOfMemory);
    }

    /// <summary>Drops one reference; at zero the frame is free again. Extra references on a frame of a larger run can be dropped, but the run itself is freed by <see cref="FreeContiguous"/> (else InvalidArgument).</summary>
    public MemoryError FreeFrame(PhysicalAddress frame)
    {
        var error = Locate(frame, MemoryError.DoubleFree, out int zi, out ulong number, out ulong idx);
        if (error != MemoryError.None) return error;
        ushort count = _refs[idx];
        if (count == RefSpilled) { DropSpilled(number, idx); return MemoryError.None; }
        if (count > 1) { _refs[idx] = (ushort)(count - 1); return MemoryError.None; }
        if (HeadOrder(_tags[idx]) != 0) return MemoryError.InvalidArgument; // the last reference to part of a larger run: free the run with FreeContiguous
        Release(zi, number, 0);
        return MemoryError.None;
    }

    /// <summary>Frees a run from <see cref="AllocateContiguous"/> with the order it was allocated with. Shared frames (count > 1) → Conflict.</summary>
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

    /// <summary>Adds a reference to an allocated frame. Past 65534 the count spills to a 16-slot table; when that is full → OutOfRange.</summary>
    public MemoryError AddReference(PhysicalAddress frame)
    {
        var error = Locate(frame, MemoryError.NotAllocated, out _, out ulong number, out ulong idx);
        if (error != MemoryError.None) return error;
        ushort count = _refs[idx];
        if (count < RefSpilled - 1) { _refs[idx] = (ushort)(count + 1); return MemoryError.None; }
        if (count == RefSpilled)
        {
            int s = FindSlot(number);
            if (_overflow[s].Count >= int.MaxValue) return MemoryError.OutOfRange;
            _overflow[s].Count++;
            return MemoryError.None;
        }
        int free = FindSlot(Null);
        if (free < 0) return MemoryError.OutOfRange;
        _overflow[free].Frame = number;
        _overflow[free].Count = RefSpilled;
        _refs[idx] = RefSpilled;
        return MemoryError.None;
    }

    /// <summary>References held on the frame containing <paramref name="frame"/>; 0 for free, reserved or unknown.</summary>
    public int ReferenceCount(PhysicalAddress frame)
    {
        ulong number = frame.FrameNumber;
        int zi = ZoneOf(number);
        if (zi < 0) return 0;
        ushort count = _refs[_zones[zi].Meta + number - _zones[zi].Start];
        return count == RefSpilled ? (int)_overflow[FindSlot(number)].Count : count;
    }

    /// <summary>What the frame containing <paramref name="address"/> is used for; Absent where there is no RAM.</summary>
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

    /// <summary>Verifies bitmap, buddy lists, tags, counters and the overflow table agree. Walks every frame: not for hot paths.</summary>
    public MemoryError Check() => Check(out _);

    /// <summary>As <see cref="Check()"/>, with the first disagreement described (Conflict), or null.</summary>
    public MemoryError Check(out string? problem)
    {
        problem = CheckAll();
        return problem == null ? MemoryError.None : MemoryError.Conflict;
    }

    // ---- allocation core (hot) ----

    private Result<PhysicalAddress> Allocate(int order, FrameUsage usage)
    {
        int orderMask = ~((1 << order) - 1);
        for (int zi = 0; zi < _zones.Length; zi++)
        {
            int mask = _zones[zi].NonEmpty & orderMask;
            if (mask == 0) continue;
            int j = BitOperations.TrailingZeroCount(mask);
            return Take(zi, _heads[zi * Orders + j], j, order, usage);
        }
        return Result<PhysicalAddress>.Fail(MemoryError.OutOfMemory);
    }

    // Unlinks free block (frame, j), returns its upper halves to the lists until it is of the wanted order, and hands it out.
    private Result<PhysicalAddress> Take(int zi, ulong frame, int j, int order, FrameUsage usage)
    {
        Remove(zi, frame, j);
        while (j > order)
        {
            j--;
            Push(zi, frame + (1UL << j), j);
        }
        ref Zone z = ref _zones[zi];
        ulong idx = z.Meta + frame - z.Start;
        int run = 1 << order;
        SetBits(idx, (ulong)run, true);
        _refs.AsSpan((int)idx, run).Fill(1);
        _tags.AsSpan((int)idx, run).Fill((byte)usage);
        _tags[idx] = Tag(usage, order);
        z.FreeFrames -= (ulong)run;
        _freeFrames -= (ulong)run;
        _usedFrames += (ulong)run;
        return Result<PhysicalAddress>.Success(PhysicalAddress.FromFrame(frame));
    }

    // Marks a run free and merges it with its buddy while the buddy is a free block of the same order.
    private void Release(int zi, ulong frame, int order)
    {
        ref Zone z = ref _zones[zi];
        ulong idx = z.Meta + frame - z.Start;
        int run = 1 << order;
        SetBits(idx, (ulong)run, false);
        _refs.AsSpan((int)idx, run).Fill(0);
        _tags.AsSpan((int)idx, run).Fill((byte)FrameUsage.Free);
        z.FreeFrames += (ulong)run;
        _freeFrames += (ulong)run;
        _usedFrames -= (ulong)run;
        while (order < MaxOrder)
        {
            ulong size = 1UL << order;
            ulong buddy = frame ^ size;
            if (buddy < z.Start || buddy + size > z.End) break;
            if (_tags[z.Meta + buddy - z.Start] != Tag(FrameUsage.Free, order)) break;
            Remove(zi, buddy, order);
            if (buddy < frame) frame = buddy;
            order++;
        }
        Push(zi, frame, order);
    }

    private void Push(int zi, ulong frame, int order)
    {
        ref Zone z = ref _zones[zi];
        int h = zi * Orders + order;
        ulong head = _heads[h];
        var at = PhysicalAddress.FromFrame(frame);
        _memory.Write64(at, head);
        _memory.Write64(at + 8, Null);
        _memory.Write64(at + 16, Magic(frame, order));
        if (head != Null) _memory.Write64(PhysicalAddress.FromFrame(head) + 8, frame);
        _heads[h] = frame;
        z.NonEmpty |= 1 << order;
        _tags[z.Meta + frame - z.Start] = Tag(FrameUsage.Free, order);
        _freeBlocks[order]++;
    }

    private void Remove(int zi, ulong frame, int order)
    {
        ref Zone z = ref _zones[zi];
        int h = zi * Orders + order;
        var at = PhysicalAddress.FromFrame(frame);
        ulong next = _memory.Read64(at), prev = _memory.Read64(at + 8);
        if (prev == Null) _heads[h] = next;
        else _memory.Write64(PhysicalAddress.FromFrame(prev), next);
        if (next != Null) _memory.Write64(PhysicalAddress.FromFrame(next) + 8, prev);
        if (_heads[h] == Null) z.NonEmpty &= ~(1 << order);
        _memory.Write64(at + 16, 0);
        _tags[z.Meta + frame - z.Start] = (byte)FrameUsage.Free;
        _freeBlocks[order]--;
    }

    // Finds an allocated frame: Misaligned, UnknownFrame (no RAM), ReservedFrame, or notAllocated when it is free.
    private MemoryError Locate(PhysicalAddress address, MemoryError notAllocated, out int zi, out ulong number, out ulong idx)
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

    private void DropSpilled(ulong number, ulong idx)
    {
        int s = FindSlot(number);
        uint count = --_overflow[s].Count;
        if (count < RefSpilled)
        {
            _refs[idx] = (ushort)count;
            _overflow[s].Frame = Null;
            _overflow[s].Count = 0;
        }
    }

    private int FindSlot(ulong frame)
    {
        for (int i = 0; i < _overflow.Length; i++)
            if (_overflow[i].Frame == frame) return i;
        return -1;
    }

    private int ZoneOf(ulong frame)
    {
        int lo = 0, hi = _zones.Length - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >> 1;
            if (frame < _zones[mid].Start) hi = mid - 1;
            else if (frame >= _zones[mid].End) lo = mid + 1;
            else return mid;
        }
        return -1;
    }

    private int MapIndexOf(ulong address)
    {
        int lo = 0, hi = _map.Length - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >> 1;
            if (address < _map[mid].Base.Value) hi = mid - 1;
            else if (address >= _map[mid].End) lo = mid + 1;
            else return mid;
        }
        return -1;
    }

    private void SetBits(ulong idx, ulong count, bool used)
    {
        while (count > 0)
        {
            int bit = (int)(idx & 63);
            int n = (int)Math.Min(64UL - (ulong)bit, count);
            ulong mask = n == 64 ? ulong.MaxValue : ((1UL << n) - 1) << bit;
            if (used) _bitmap[idx >> 6] |= mask;
            else _bitmap[idx >> 6] &= ~mask;
            idx += (ulong)n;
            count -= (ulong)n;
        }
    }

    private bool IsUsedBit(ulong idx) => (_bitmap[idx >> 6] & (1UL << (int)(idx & 63))) != 0;

    private static byte Tag(FrameUsage usage, int headOrder) => (byte)((int)usage | ((headOrder + 1) << 4));
    private static int HeadOrder(byte tag) => (tag >> 4) - 1;
    private static ulong Magic(ulong frame, int order) => FreeMagic ^ frame ^ ((ulong)order << 56);

    private static bool IsAllocationUsage(FrameUsage usage)
        => usage is FrameUsage.Used or FrameUsage.Kernel or FrameUsage.PageTable or FrameUsage.Heap or FrameUsage.Zero;

    // ---- construction (boot time: may allocate) ----

    private static Zone[] BuildZones(List<(ulong Start, ulong End)> usable)
    {
        var zones = new List<Zone>();
        ulong start = usable[0].Start, end = usable[0].End, inside = end - start;
        for (int i = 1; i < usable.Count; i++)
        {
            var (s, e) = usable[i];
            if ((s - end) * ZoneGapRatio <= inside + (e - s)) { end = e; inside += e - s; continue; }
            zones.Add(new Zone { Start = start, End = end });
            start = s; end = e; inside = e - s;
        }
        zones.Add(new Zone { Start = start, End = end });
        var result = zones.ToArray();
        ulong meta = 0;
        for (int i = 0; i < result.Length; i++)
        {
            result[i].Meta = meta;
            meta += result[i].End - result[i].Start;
        }
        return result;
    }

    // Holes inside a zone that the kernel image occupies are tagged Kernel, so the visual map shows it.
    private void TagKernelFrames()
    {
        foreach (var r in _map)
        {
            if (r.Type != MemoryType.KernelImage) continue;
            for (ulong f = r.Base.Value / PhysicalAddress.FrameSize; f * PhysicalAddress.FrameSize < r.End; f++)
            {
                int zi = ZoneOf(f);
                if (zi >= 0) _tags[_zones[zi].Meta + f - _zones[zi].Start] = (byte)FrameUsage.Kernel;
            }
        }
    }

    // ---- consistency check (not hot: allocates) ----

    private string? CheckAll()
    {
        var perOrder = new ulong[Orders];
        // Everything the walk needs is allocated here, sized up front: in the kernel a managed allocation can grow
        // the kernel heap, which takes frames from this PMM, and that must not happen halfway through the walk.
        ulong blocks = 0;
        foreach (ulong count in _freeBlocks) blocks += count;
        var heads = new HashSet<ulong>((int)Math.Min(blocks + 16, int.MaxValue));
        ulong free = 0, used = 0, reserved = 0;
        for (int zi = 0; zi < _zones.Length; zi++)
        {
            var z = _zones[zi];
            ulong zoneFrames = z.End - z.Start, zoneFree = 0;
            for (int j = 0; j < Orders; j++)
            {
                ulong head = _heads[zi * Orders + j];
                if ((head != Null) != ((z.NonEmpty & (1 << j)) != 0)) return $"zone {zi}: order {j} non-empty mask disagrees with its list";
                ulong size = 1UL << j, prev = Null, steps = 0;
                for (ulong b = head; b != Null; b = _memory.Read64(PhysicalAddress.FromFrame(b)))
                {
                    if (++steps > zoneFrames) return $"zone {zi}: order {j} free list has a cycle";
                    if (b < z.Start || b + size > z.End) return $"free block {Hex(b)} order {j} outside zone {zi}";
                    if ((b & (size - 1)) != 0) return $"free block {Hex(b)} not aligned to its order {j}";
                    var at = PhysicalAddress.FromFrame(b);
                    if (_memory.Read64(at + 8) != prev) return $"free block {Hex(b)} order {j}: broken prev link";
                    if (_memory.Read64(at + 16) != Magic(b, j)) return $"free block {Hex(b)} order {j}: header overwritten (write after free?)";
                    ulong idx = z.Meta + b - z.Start;
                    if (_tags[idx] != Tag(FrameUsage.Free, j)) return $"free block {Hex(b)} order {j}: head tag 0x{_tags[idx]:x2}";
                    for (ulong k = 0; k < size; k++)
                    {
                        if (IsUsedBit(idx + k)) return $"free block {Hex(b)} order {j}: frame {Hex(b + k)} is used in the bitmap";
                        if (_refs[idx + k] != 0) return $"free frame {Hex(b + k)} has references";
                        if (k > 0 && _tags[idx + k] != (byte)FrameUsage.Free) return $"free frame {Hex(b + k)}: tag 0x{_tags[idx + k]:x2}";
                    }
                    if (!heads.Add(b)) return $"free block {Hex(b)} listed twice";
                    if (j < MaxOrder)
                    {
                        ulong buddy = b ^ size;
                        if (buddy >= z.Start && buddy + size <= z.End && _tags[z.Meta + buddy - z.Start] == Tag(FrameUsage.Free, j))
                            return $"free buddies {Hex(Math.Min(b, buddy))} order {j} were not merged";
                    }
                    zoneFree += size;
                    perOrder[j]++;
                    prev = b;
                }
            }
            if (zoneFree != z.FreeFrames) return $"zone {zi}: lists hold {zoneFree} frames, counter says {z.FreeFrames}";
            free += zoneFree;

            for (ulong f = z.Start; f < z.End;)
            {
                ulong idx = z.Meta + f - z.Start;
                byte tag = _tags[idx];
                int head = HeadOrder(tag);
                if (!IsUsedBit(idx))
                {
                    if (!heads.Contains(f)) return $"free frame {Hex(f)} is in no buddy list";
                    f += 1UL << head;
                    continue;
                }
                if (_refs[idx] == 0)
                {
                    var usage = (FrameUsage)(tag & 0x0F);
                    if (head != -1 || (usage != FrameUsage.Reserved && usage != FrameUsage.Kernel)) return $"reserved frame {Hex(f)}: tag 0x{tag:x2}";
                    reserved++;
                    f++;
                    continue;
                }
                if (head < 0) return $"allocated frame {Hex(f)} belongs to no run";
                ulong run = 1UL << head;
                if ((f & (run - 1)) != 0 || f + run > z.End) return $"allocated run {Hex(f)} order {head} misplaced";
                for (ulong k = 0; k < run; k++)
                {
                    if (!IsUsedBit(idx + k) || _refs[idx + k] == 0) return $"allocated run {Hex(f)} order {head}: frame {Hex(f + k)} not allocated";
                    if (k > 0 && HeadOrder(_tags[idx + k]) != -1) return $"allocated run {Hex(f)} order {head}: frame {Hex(f + k)} is tagged as a head";
                    if (!IsAllocationUsage((FrameUsage)(_tags[idx + k] & 0x0F))) return $"allocated frame {Hex(f + k)}: usage tag 0x{_tags[idx + k]:x2}";
                    if (_refs[idx + k] == RefSpilled && FindSlot(f + k) < 0) return $"frame {Hex(f + k)}: spilled count has no overflow slot";
                }
                used += run;
                f += run;
            }
        }
        for (int j = 0; j < Orders; j++)
            if (perOrder[j] != _freeBlocks[j]) return $"order {j}: lists hold {perOrder[j]} blocks, counter says {_freeBlocks[j]}";
        if (free != _freeFrames) return $"free frames: lists {free}, counter {_freeFrames}";
        if (used != _usedFrames) return $"used frames: bitmap {used}, counter {_usedFrames}";
        if (reserved != _totalFrames - _usableFrames) return $"reserved frames: bitmap {reserved}, expected {_totalFrames - _usableFrames}";
        if (free + used + reserved != _totalFrames) return "free + used + reserved != total";
        foreach (var slot in _overflow)
        {
            if (slot.Frame == Null) continue;
            if (ReferenceCountRaw(slot.Frame) != RefSpilled || slot.Count < RefSpilled) return $"overflow slot for {Hex(slot.Frame)} is stale";
        }
        return null;
    }

    private ushort ReferenceCountRaw(ulong frame)
    {
        int zi = ZoneOf(frame);
        return zi < 0 ? (ushort)0 : _refs[_zones[zi].Meta + frame - _zones[zi].Start];
    }

    private static string Hex(ulong frame) => "0x" + (frame * PhysicalAddress.FrameSize).ToString("x");
}
