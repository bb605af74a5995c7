using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MemOS.Memory.Tracing;

namespace MemOS.Memory.Physical;

// The frame cache (Linux's per-CPU page lists are the model): single frames are taken from and given back to a
// small stack, refilled from the buddy and drained to it in batches, so the common alloc+free of one frame never
// splits or merges a block. A cached frame is free in the bitmap (bit clear, no reference, tag Free without a head
// order, a "cached" magic word at +16 like a free block's, so Check catches a write after free), counted in the free
// frames, and in no buddy list: the bitmap stays the ground truth, and the buddy cannot merge with a cached frame
// because only list heads carry a head order. One instance now; one per CPU with SMP.
// The hot pair (take from a non-empty cache, free a single frame into a non-full one) is straight-line code: the
// indexes it uses are the cache's own (checked when cached) or the zone's (checked against its bounds), so it reads
// the arrays without bounds checks; anything unusual (empty or full cache, charge, a frame outside the first zone,
// shared, part of a run, not allocated) takes the general path, which does every check and classifies the error.
public sealed partial class PhysicalMemoryManager
{
    /// <summary>Most frames the cache holds; a free into a full cache first drains a batch to the buddy.</summary>
    public const int FrameCacheCapacity = 64;
    /// <summary>Frames moved between the cache and the buddy at once.</summary>
    public const int FrameCacheBatch = 16;

    // [0, _cachedCount): bottom = coldest (drained first), top = the frame freed last (taken first, still warm).
    private readonly CachedFrame[] _cached = new CachedFrame[FrameCacheCapacity];
    private int _cachedCount;
    private int _hotZone; // the zone of the last frame freed into the cache (always a valid index)

    // A cached frame's number and its metadata index (bitmap bit, reference count, tag).
    private struct CachedFrame
    {
        public ulong Frame, Index;
    }
    // "CACHEDFR" xor the frame number, written at +16 of each cached frame.
    private const ulong CachedMagic = 0x5246_4445_4843_4143;
    private ulong _cacheRefills, _cacheDrains;

    /// <summary>Free frames sitting in the frame cache (part of <see cref="FreeFrameCount"/>).</summary>
    public ulong CachedFrameCount => (ulong)_cachedCount;

    /// <summary>
    /// Copies the addresses of the frames in the cache now (free, but not in the buddy), coldest first, for
    /// `pmm map --draw`; returns how many (at most <paramref name="destination"/>'s length).
    /// </summary>
    public int CopyCachedFrames(System.Span<PhysicalAddress> destination)
    {
        int n = System.Math.Min(_cachedCount, destination.Length);
        for (int i = 0; i < n; i++) destination[i] = PhysicalAddress.FromFrame(_cached[i].Frame);
        return n;
    }

    /// <summary>Gives every cached frame back to the buddy (which merges it); returns how many there were.</summary>
    public int DrainFrameCache()
    {
        int n = _cachedCount;
        if (n > 0) Drain(n);
        return n;
    }

    // One frame from the top of the cache, refilling it from the buddy when empty.
    private Result<PhysicalAddress> TakeCached(FrameUsage usage)
    {
        int n = _cachedCount - 1;
        if (n < 0 || _freeFrames <= _chargedFrames) return TakeCachedSlow(usage);
        _cachedCount = n;
        CachedFrame c = Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_cached), n);
        MarkTaken(c.Index, usage);
        var taken = PhysicalAddress.FromFrame(c.Frame);
        if (MemoryTrace.On)
            MemoryTrace.Emit(MemoryEventKind.FrameTaken, frame: taken.Value, value: (ulong)usage);
        return Result<PhysicalAddress>.Success(taken);
    }

    // The cache is empty (refill it) or the charge holds every free frame (fail).
    private Result<PhysicalAddress> TakeCachedSlow(FrameUsage usage)
    {
        if (!ChargedFramesUntouched(0) || (_cachedCount == 0 && Refill() == 0))
            return Result<PhysicalAddress>.Fail(MemoryError.OutOfMemory);
        return TakeCached(usage);
    }

    // Bitmap bit set, one reference, the usage tag as the head of a one-frame run; counters. `idx` is a cached
    // frame's index, checked when it was cached.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void MarkTaken(ulong idx, FrameUsage usage)
    {
        Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_bitmap), (nint)(idx >> 6)) |= 1UL << (int)(idx & 63);
        Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_refs), (nint)idx) = 1;
        Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_tags), (nint)idx) = Tag(usage, 0);
        _freeFrames--;
        _usedFrames++;
    }

    // FreeFrame's common case: the last reference to a single frame goes into a cache with room. Every check the
    // general path makes is made here (aligned, in a zone, allocated in the bitmap, exactly one reference, head of a
    // one-frame run); false means "not this case", and the general path decides. The zone of the last free is tried
    // before the binary search: frames come and go mostly in one zone. Inlined into FreeFrame.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryCacheFrame(PhysicalAddress address)
    {
        ulong frame = address.Value >> 12;
        int n = _cachedCount;
        if ((address.Value & (PhysicalAddress.FrameSize - 1)) != 0 || n == FrameCacheCapacity) return false;
        ref Zone z = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_zones), _hotZone);
        ulong offset = frame - z.Start;
        if (offset >= z.End - z.Start)
        {
            int zi = ZoneOf(frame);
            if (zi < 0) return false;
            _hotZone = zi;
            z = ref _zones[zi];
            offset = frame - z.Start;
        }
        ulong idx = z.Meta + offset;
        ref ulong word = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_bitmap), (nint)(idx >> 6));
        ref ushort refs = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_refs), (nint)idx);
        ref byte tag = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_tags), (nint)idx);
        ulong bit = 1UL << (int)(idx & 63);
        if ((word & bit) == 0 || refs != 1 || (tag & 0xF0) != 0x10) return false;
        word &= ~bit;
        refs = 0;
        tag = (byte)FrameUsage.Free;
        _freeFrames++;
        _usedFrames--;
        ref CachedFrame c = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_cached), n);
        c.Frame = frame;
        c.Index = idx;
        _cachedCount = n + 1;
        _memory.Write64(address + 16, CachedMagic ^ frame);
        if (MemoryTrace.On) MemoryTrace.Emit(MemoryEventKind.FrameFreed, frame: address.Value);
        return true;
    }

    // A single allocated frame whose last reference went: free it into the cache, draining a batch when full.
    private void CacheFrame(int zi, ulong frame)
    {
        if (_cachedCount == FrameCacheCapacity) Drain(FrameCacheBatch);
        ulong idx = _zones[zi].Meta + frame - _zones[zi].Start;
        _bitmap[idx >> 6] &= ~(1UL << (int)(idx & 63));
        _refs[idx] = 0;
        _tags[idx] = (byte)FrameUsage.Free;
        _freeFrames++;
        _usedFrames--;
        int n = _cachedCount;
        _cached[n] = new CachedFrame { Frame = frame, Index = idx };
        _cachedCount = n + 1;
        _memory.Write64(PhysicalAddress.FromFrame(frame) + 16, CachedMagic ^ frame);
        if (MemoryTrace.On)
            MemoryTrace.Emit(MemoryEventKind.FrameFreed, frame: PhysicalAddress.FromFrame(frame).Value);
    }

    // Takes up to a batch of free frames out of the buddy lists (lowest zone first, smallest block first) into the
    // cache; returns the cache's count. Frames stay free in the bitmap: only the lists and zone counters change.
    private int Refill()
    {
        _cacheRefills++;
        int got = 0;
        for (int zi = 0; zi < _zones.Length && got < FrameCacheBatch; zi++)
        {
            ref Zone z = ref _zones[zi];
            while (got < FrameCacheBatch && (z.NonEmpty != 0 || CarveFresh(zi)))
            {
                int j = System.Numerics.BitOperations.TrailingZeroCount(z.NonEmpty);
                ulong block = _heads[zi * Orders + j];
                Remove(zi, block, j);
                // Keep the lowest 2^j frames that fit in the batch; the upper halves go back to the lists.
                while (j > 0 && (1 << j) > FrameCacheBatch - got)
                {
                    j--;
                    Push(zi, block + (1UL << j), j);
                }
                ulong run = 1UL << j;
                z.FreeFrames -= run;
                // Highest first, so the lowest frame ends on top and is handed out first.
                for (ulong k = run; k-- > 0;)
                {
                    _memory.Write64(PhysicalAddress.FromFrame(block + k) + 16, CachedMagic ^ (block + k));
                    _cached[got++] = new CachedFrame { Frame = block + k, Index = z.Meta + block + k - z.Start };
                }
            }
        }
        _cachedCount = got;
        return got;
    }

    // Gives the `count` coldest cached frames back to the buddy, merging each with its free buddies.
    private void Drain(int count)
    {
        _cacheDrains++;
        for (int i = 0; i < count; i++)
        {
            ulong frame = _cached[i].Frame;
            int zi = ZoneOf(frame);
            _zones[zi].FreeFrames++;
            Merge(zi, frame, 0);
        }
        int left = _cachedCount - count;
        Array.Copy(_cached, count, _cached, 0, left);
        _cachedCount = left;
    }

    // Check's part: each cached frame lies in a zone, is free in the bitmap with no reference and a plain Free tag,
    // and appears once; collected into `cached` so the list walk can tell that none is also in a free block.
    private string? CheckFrameCache(HashSet<ulong> cached)
    {
        if (_cachedCount < 0 || _cachedCount > FrameCacheCapacity) return $"frame cache count {_cachedCount}";
        for (int i = 0; i < _cachedCount; i++)
        {
            ulong f = _cached[i].Frame;
            int zi = ZoneOf(f);
            if (zi < 0) return $"cached frame {Hex(f)} is in no zone";
            ulong idx = _zones[zi].Meta + f - _zones[zi].Start;
            if (_cached[i].Index != idx) return $"cached frame {Hex(f)}: wrong metadata index";
            if (IsUsedBit(idx)) return $"cached frame {Hex(f)} is used in the bitmap";
            if (_refs[idx] != 0) return $"cached frame {Hex(f)} has references";
            if (_tags[idx] != (byte)FrameUsage.Free) return $"cached frame {Hex(f)}: tag 0x{_tags[idx]:x2}";
            if (_memory.Read64(PhysicalAddress.FromFrame(f) + 16) != (CachedMagic ^ f))
                return $"cached frame {Hex(f)}: header overwritten (write after free?)";
            if (!cached.Add(f)) return $"cached frame {Hex(f)} cached twice";
        }
        return null;
    }
}
