using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MemOS.Memory.Tracing;

namespace MemOS.Memory.Heap;

// Small blocks: size-class slabs. A slab is a medium block whose payload is a SlabHeader followed by objects that
// start on a 512-byte granule; free(p) reads p's distance from that granule in a side table (SlabMap) and finds the
// header by subtraction. Most classes' slab blocks span whole granules from 48 bytes before one, so they pack back
// to back and a freed one can be reused by a slab of any such class without an alignment gap.
public partial class HeapCore<TMemory>
{
    // Per size class: partial-slab list, geometry, counts. And the granule -> slab table for free(p).
    private readonly SlabClass[] _classes = new SlabClass[SizeClasses.Count];
    private readonly SlabMap _slabMap;
    // The slab header's check word: info ^ s ^ _slabKey (the tag folded into the heap's secret). Two XORs to unseal
    // on the free path instead of the medium seal's multiply; a stray or stale word passes with odds of 2^-40 (the
    // 40 bits above the info must come out zero), and the slab map, which names the header, is out of the heap.
    private ulong _slabKey;

    private void InitializeClasses()
    {
        _slabKey = Mix(_secret ^ 0x3C6E_F372_FE94_F82BUL) ^ SlabHeader.Tag;
        for (int c = 0; c < SizeClasses.Count; c++)
        {
            ulong size = SizeClasses.Size(c);
            _classes[c].Size = (uint)size;
            _classes[c].Objects = (uint)(SizeClasses.Capacity(c) * (int)size);
            _classes[c].Reciprocal = ((1UL << 32) + size - 1) / size;
            _classes[c].Full = FullMask(SizeClasses.Capacity(c));
        }
    }

    /// <summary>The state of class c (below SizeClasses.Count: the caller knows, no bounds check).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref SlabClass ClassAt(nuint c)
        => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_classes), c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Result<VirtualAddress> AllocateFrom(ulong s, int c)
    {
        ulong bitmap = Read(s + SlabHeader.FreeMap);
        int index = BitOperations.TrailingZeroCount(bitmap);
        bitmap &= bitmap - 1;
        Write(s + SlabHeader.FreeMap, bitmap);
        if (bitmap == 0) UnlinkPartial(s, c); // full: off the list until something is freed
        ref SlabClass k = ref _classes[c];
        k.Allocs++;
        return Result<VirtualAddress>.Success(new VirtualAddress(s + SlabHeader.Bytes + (ulong)index * k.Size));
    }

    /// <summary>The fast path's pop of the last free object of slab s, the head of class c's partial list.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private Result<VirtualAddress> AllocateLast(ulong s, int c) => AllocateFrom(s, c);

    /// <summary>
    /// The fast path's free into a full slab s of class c (the object checked, <paramref name="after"/> its new free
    /// map): the slab joins the partial list. Under churn this is the common free (most slabs are full).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private MemoryError FreeIntoFull(ulong s, int c, ulong after)
    {
        Write(s + SlabHeader.FreeMap, after);
        _classes[c].Frees++;
        LinkPartial(s, c);
        return MemoryError.None;
    }

    private Result<VirtualAddress> AllocateSmallSlow(int c)
    {
        int granules = SizeClasses.SpanGranules(c);
        int capacity = SizeClasses.Capacity(c);
        ulong objects = _classes[c].Objects;
        // Objects start on a granule; a block of the whole span also leaves the next slab's block on one.
        ulong x = Carve(SizeClasses.BlockBytes(c) - HeaderSize, SizeClasses.Granule, SlabHeader.Bytes, KindSlab,
            out MemoryError error);
        if (x == 0) return Fail(error);
        if (MemoryTrace.On) MemoryTrace.Emit(MemoryEventKind.HeapNewSlab, x, value: _classes[c].Size);
        ulong s = x + HeaderSize;
        Write(s + SlabHeader.Info, s ^ _slabKey ^ SlabHeader.MakeInfo(c, capacity, granules));
        Write(s + SlabHeader.FreeMap, FullMask(capacity));
        Write(s + SlabHeader.Next, 0);
        Write(s + SlabHeader.Prev, 0);
        if (_poison) _memory.Fill(new VirtualAddress(s + SlabHeader.Bytes), HeapOptions.PoisonByte, objects);
        ulong block = Read(x + BlockHeader.SizeWord) & SizeMask;
        _overheadBytes += block - objects;
        _classes[c].Slots += (ulong)capacity;
        _classes[c].Partial = s;
        MapSlab(s, objects, clear: false);
        return AllocateFrom(s, c);
    }

    /// <summary>The unsealed info word of the slab header at s (garbage if s is not one: check Plausible).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong SlabInfo(ulong s) => Read(s + SlabHeader.Info) ^ s ^ _slabKey;

    /// <summary>The slab header for a pointer inside a slab's objects (or their last granule), or 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong FindSlab(ulong p, out ulong info)
    {
        ulong g = (p - _base) >> SlabMap.GranuleLog;
        uint v = _slabMap.Get(g);
        if (v != 0)
        {
            ulong s = _base + ((g - (ulong)(v - 1)) << SlabMap.GranuleLog) - SlabHeader.Bytes;
            ulong h = SlabInfo(s); // the map is a hint: the sealed header decides
            if (SlabHeader.Plausible(h))
            {
                info = h;
                return s;
            }
        }
        info = 0;
        return 0;
    }

    /// <summary>
    /// Record (or erase) the granules a slab's objects cover, so free(p) finds the slab's first granule.
    /// </summary>
    private void MapSlab(ulong s, ulong objects, bool clear)
    {
        ulong first = s + SlabHeader.Bytes - _base;
        _slabMap.Set(first >> SlabMap.GranuleLog, (first + objects - 1) >> SlabMap.GranuleLog, clear);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private MemoryError FreeSmall(ulong s, ulong p, ulong info)
    {
        int c = SlabHeader.Class(info);
        ref SlabClass k = ref _classes[c];
        ulong size = k.Size;
        ulong off = p - (s + SlabHeader.Bytes);
        if (off >= k.Objects) return MemoryError.OutOfRange; // past the objects: not this slab's
        ulong index = (off * k.Reciprocal) >> 32; // off / size without a divide
        if (index * size != off) return MemoryError.BadPointer;
        ulong bitmap = Read(s + SlabHeader.FreeMap);
        ulong bit = 1UL << (int)index;
        if ((bitmap & bit) != 0) return MemoryError.DoubleFree;

        if (_poison) _memory.Fill(new VirtualAddress(p), HeapOptions.PoisonByte, size);
        Write(s + SlabHeader.FreeMap, bitmap | bit);
        k.Frees++;
        if (bitmap == 0) LinkPartial(s, c);
        else if ((bitmap | bit) == FullMask(SlabHeader.Capacity(info)) && k.Empty != s) Emptied(s, c, info);
        return MemoryError.None;
    }

    /// <summary>
    /// Slab s of class c has just become empty: it becomes the class's cached empty slab if the class has none (or
    /// the one it had was filled again since), else it goes back to the heap.
    /// </summary>
    private void Emptied(ulong s, int c, ulong info)
    {
        ref SlabClass k = ref _classes[c];
        ulong kept = k.Empty;
        if (kept == 0 || Read(kept + SlabHeader.FreeMap) != FullMask(SlabHeader.Capacity(SlabInfo(kept))))
        {
            k.Empty = s;
            return;
        }
        ReleaseSlab(s, c, info);
    }

    /// <summary>SizeOf for a pointer that is no block header: a live object of a slab, or a bad pointer.</summary>
    private Result<ulong> SmallSizeOf(ulong p)
    {
        ulong s = FindSlab(p, out ulong info);
        if (s == 0) return Result<ulong>.Fail(MemoryError.BadPointer);
        int c = SlabHeader.Class(info);
        ulong off = p - (s + SlabHeader.Bytes);
        ulong index = off / _classes[c].Size;
        if (index * _classes[c].Size != off || index >= (ulong)SlabHeader.Capacity(info))
            return Result<ulong>.Fail(MemoryError.BadPointer);
        if ((Read(s + SlabHeader.FreeMap) & (1UL << (int)index)) != 0)
            return Result<ulong>.Fail(MemoryError.NotAllocated);
        return Result<ulong>.Success(_classes[c].Size);
    }

    private void ReleaseSlab(ulong s, int c, ulong info)
    {
        ulong x = s - HeaderSize;
        ulong h = Read(x + BlockHeader.SizeWord), block = h & SizeMask;
        // A slab whose links or neighbours fail the checks stays where it is, empty: nothing is written through them.
        if (!IsBlockHeader(x, h) || !CanUnlinkPartial(s, c) || !CanCoalesce(x, block, h & PrevFree))
        {
            Corrupt(x);
            return;
        }
        UnlinkPartial(s, c);
        if (_classes[c].Empty == s) _classes[c].Empty = 0;
        ulong objects = _classes[c].Objects;
        _overheadBytes -= block - objects;
        _classes[c].Slots -= (ulong)SlabHeader.Capacity(info);
        MapSlab(s, objects, clear: true);
        Write(s + SlabHeader.Info, 0); // the header is gone: a stale one must never validate
        Coalesce(x, block, h & PrevFree);
    }

    /// <summary>Give every cached empty slab back (the partial lists keep one per class otherwise).</summary>
    private void ReleaseEmptySlabs()
    {
        for (int c = 0; c < SizeClasses.Count; c++)
        {
            _classes[c].Empty = 0;
            ulong s = _classes[c].Partial;
            while (s != 0)
            {
                ulong next = Read(s + SlabHeader.Next);
                if (next != 0 && (!IsSlabOf(next, c) || Read(next + SlabHeader.Prev) != s))
                {
                    Corrupt(s);
                    next = 0; // the rest of this list is not followed
                }
                ulong info = SlabInfo(s);
                if (Read(s + SlabHeader.FreeMap) == FullMask(SlabHeader.Capacity(info))) ReleaseSlab(s, c, info);
                s = next;
            }
        }
    }

    /// <summary>
    /// Put slab s on its class's partial list: first if it lies below the head, else second. Allocation takes the
    /// head, so objects (the long-lived ones among them) go to the class's lowest slab, and slabs higher up drain
    /// and go back instead of staying as islands that pin pages once what surrounded them is freed (issue 8).
    /// </summary>
    private void LinkPartial(ulong s, int c)
    {
        ulong head = _classes[c].Partial;
        if (head == 0 || s < head)
        {
            Write(s + SlabHeader.Next, head);
            Write(s + SlabHeader.Prev, 0);
            if (head != 0) Write(head + SlabHeader.Prev, s);
            _classes[c].Partial = s;
            return;
        }
        ulong next = Read(head + SlabHeader.Next);
        if (next != 0 && (!IsSlabOf(next, c) || Read(next + SlabHeader.Prev) != head))
        {
            Corrupt(head); // the head's link fails the checks: s goes first rather than be linked through it
            next = 0;
        }
        Write(s + SlabHeader.Next, next);
        Write(s + SlabHeader.Prev, head);
        Write(head + SlabHeader.Next, s);
        if (next != 0) Write(next + SlabHeader.Prev, s);
    }

    private void UnlinkPartial(ulong s, int c)
    {
        if (!CanUnlinkPartial(s, c))
        {
            // Only the list head is the heap's own word: drop the list rather than follow links that fail the checks.
            Corrupt(s);
            _classes[c].Partial = 0;
            return;
        }
        ulong next = Read(s + SlabHeader.Next), prev = Read(s + SlabHeader.Prev);
        if (prev != 0) Write(prev + SlabHeader.Next, next);
        else _classes[c].Partial = next;
        if (next != 0) Write(next + SlabHeader.Prev, prev);
        Write(s + SlabHeader.Next, 0);
        Write(s + SlabHeader.Prev, 0);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong FullMask(int capacity) => capacity >= 64 ? ulong.MaxValue : (1UL << capacity) - 1;
}
