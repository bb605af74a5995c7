using System.Collections.Generic;

namespace MemOS.Memory.Heap;

// The heap's self-description: statistics, a block walk for `heap blocks`, and Check(), which re-derives
// every invariant from memory. None of this is on a hot path; Blocks() allocates.
public partial class HeapCore<TMemory>
{
    /// <summary>The heap's numbers now (allocates the per-class array).</summary>
    public HeapStatistics Statistics()
    {
        ulong largest = _end - _top;
        for (int bin = BinCount - 1; bin >= 0; bin--)
        {
            if (_bins[bin] == 0) continue;
            ulong walked = 0, bound = FreeListBound;
            for (ulong f = _bins[bin]; f != 0 && ++walked <= bound; f = Read(f + FreeBlock.Next))
            {
                ulong size = Read(f + BlockHeader.SizeWord) & SizeMask;
                if (size > largest) largest = size;
            }
            break; // bins grow with size: the highest non-empty one holds the largest block
        }
        var perClass = new ulong[SizeClasses.Count];
        for (int c = 0; c < SizeClasses.Count; c++) perClass[c] = _classes[c].Live;
        ulong live = LiveCount();
        return new HeapStatistics(
            HeapSize: _end - _base,
            UsedBytes: UsedBytes(),
            FreeBytes: _binBytes + _cachedBytes + FreeSlotBytes() + (_end - _top),
            OverheadBytes: _overheadBytes,
            LargestFreeBlock: largest,
            LiveAllocations: live,
            TotalAllocations: TotalAllocationCount(),
            TotalFrees: TotalAllocationCount() - live,
            FailedAllocations: _failedAllocs,
            SmallObjectsPerClass: perClass);
    }

    // The small-block totals the fast path does not keep, derived from the per-class counts.
    private ulong TotalAllocationCount()
    {
        ulong total = _mediumAllocs;
        for (int c = 0; c < SizeClasses.Count; c++) total += _classes[c].Allocs;
        return total;
    }

    private ulong LiveCount()
    {
        ulong live = _mediumLive;
        for (int c = 0; c < SizeClasses.Count; c++) live += _classes[c].Live;
        return live;
    }

    private ulong UsedBytes()
    {
        ulong used = _mediumUsedBytes;
        for (int c = 0; c < SizeClasses.Count; c++) used += _classes[c].Live * _classes[c].Size;
        return used;
    }

    private ulong FreeSlotBytes()
    {
        ulong free = 0;
        for (int c = 0; c < SizeClasses.Count; c++) free += (_classes[c].Slots - _classes[c].Live) * _classes[c].Size;
        return free;
    }

    /// <summary>Every block in address order (slabs followed by their live objects), then the top.</summary>
    public List<HeapBlock> Blocks()
    {
        var blocks = new List<HeapBlock>();
        for (ulong x = _base; x < _top;)
        {
            ulong h = Read(x + BlockHeader.SizeWord), size = h & SizeMask;
            if (size < MinBlock) break; // corrupted: Check() says so
            if ((h & Used) == 0 || (h & KindMask) == KindCached)
                blocks.Add(new HeapBlock(new VirtualAddress(x), size, HeapBlockKind.Free));
            else if ((h & KindMask) == KindSlab)
            {
                ulong s = x + HeaderSize;
                ulong info = SlabInfo(s);
                int c = SlabHeader.Class(info), capacity = SlabHeader.Capacity(info);
                blocks.Add(new HeapBlock(new VirtualAddress(x), size, HeapBlockKind.Slab));
                ulong bitmap = Read(s + SlabHeader.FreeMap);
                ulong objectSize = _classes[c].Size;
                for (int i = 0; i < capacity; i++)
                    if ((bitmap & (1UL << i)) == 0)
                        blocks.Add(new HeapBlock(new VirtualAddress(s + SlabHeader.Bytes + (ulong)i * objectSize),
                            objectSize, HeapBlockKind.Small));
            }
            else
            {
                var kind = (h & KindMask) == KindLarge ? HeapBlockKind.Large : HeapBlockKind.Medium;
                blocks.Add(new HeapBlock(new VirtualAddress(x + HeaderSize), UsableSize(size), kind));
            }
            x += size;
        }
        if (_end > _top) blocks.Add(new HeapBlock(new VirtualAddress(_top), _end - _top, HeapBlockKind.Top));
        return blocks;
    }

    /// <summary>
    /// Verify every invariant from memory: headers sealed and in bounds, blocks tile [base, top), no two adjacent
    /// free blocks, footers, free lists and their bitmap, slab headers, bitmaps and partial lists, poison and red
    /// zones, and that the kept statistics agree with the walk. None when all hold, else HeapCorrupted.
    /// </summary>
    public MemoryError Check()
    {
        if (_top < _base || _end < _top || _end > _limit || (_end & (Page - 1)) != 0)
            return MemoryError.HeapCorrupted;

        ulong used = 0, overhead = 0, freeBlocks = 0, freeBlockBytes = 0, freeSlots = 0, live = 0;
        ulong blocksSeen = 0, mappedGranules = 0, cachedSeen = 0, cachedBytes = 0;
        var liveSmall = new ulong[SizeClasses.Count];
        var partialSlabs = new ulong[SizeClasses.Count];
        bool prevFree = false;
        ulong x = _base;
        while (x < _top)
        {
            ulong h = Read(x + BlockHeader.SizeWord), size = h & SizeMask;
            if (size < MinBlock || size > _top - x || Read(x + BlockHeader.SealWord) != SealOf(x, h))
                return MemoryError.HeapCorrupted;
            if (((h & PrevFree) != 0) != prevFree) return MemoryError.HeapCorrupted;
            blocksSeen++;
            if ((h & Used) == 0)
            {
                if (prevFree || (h & KindMask) != 0 || Read(x + size - FreeBlock.FooterBytes) != size)
                    return MemoryError.HeapCorrupted;
                if (_poison && !PoisonIntact(x + FreeBlock.Body, size - FreeBlock.Body - FreeBlock.FooterBytes))
                    return MemoryError.HeapCorrupted;
                freeBlocks++;
                freeBlockBytes += size;
                prevFree = true;
            }
            else
            {
                ulong kind = h & KindMask;
                if (kind == KindSlab)
                {
                    ulong s = x + HeaderSize;
                    ulong info = SlabInfo(s);
                    if (!SlabHeader.Plausible(info)) return MemoryError.HeapCorrupted;
                    int c = SlabHeader.Class(info), capacity = SlabHeader.Capacity(info);
                    if (capacity != SizeClasses.Capacity(c) || SlabHeader.Granules(info) != SizeClasses.SpanGranules(c))
                        return MemoryError.HeapCorrupted;
                    ulong objects = (ulong)capacity * _classes[c].Size, span = SizeClasses.BlockBytes(c);
                    // Objects on a granule; the block is the class's plus at most a sliver too small to be a block.
                    if (((s + SlabHeader.Bytes) & (SizeClasses.Granule - 1)) != 0 || size < span
                        || size - span >= MinBlock)
                        return MemoryError.HeapCorrupted;
                    ulong bitmap = Read(s + SlabHeader.FreeMap);
                    if ((bitmap & ~FullMask(capacity)) != 0) return MemoryError.HeapCorrupted;
                    for (int i = 0; i < capacity; i++)
                    {
                        ulong o = s + SlabHeader.Bytes + (ulong)i * _classes[c].Size;
                        if ((bitmap & (1UL << i)) == 0)
                        {
                            used += _classes[c].Size;
                            liveSmall[c]++;
                            live++;
                        }
                        else
                        {
                            freeSlots += _classes[c].Size;
                            if (_poison && !PoisonIntact(o, _classes[c].Size)) return MemoryError.HeapCorrupted;
                        }
                    }
                    if (bitmap != 0) partialSlabs[c]++;
                    // Each granule of the objects holds 1 + its distance from the first.
                    ulong first = (s + SlabHeader.Bytes - _base) >> SlabMap.GranuleLog;
                    ulong last = (s + SlabHeader.Bytes - _base + objects - 1) >> SlabMap.GranuleLog;
                    for (ulong g = first; g <= last; g++)
                        if ((ulong)_slabMap.Get(g) != g - first + 1) return MemoryError.HeapCorrupted;
                    mappedGranules += last - first + 1;
                    overhead += size - objects;
                }
                else if (kind == KindCached)
                {
                    cachedSeen++;
                    cachedBytes += size;
                }
                else if (kind == KindMedium || kind == KindLarge)
                {
                    ulong usable = UsableSize(size);
                    if (_redZones && !RedZoneIntact(x + HeaderSize + usable)) return MemoryError.HeapCorrupted;
                    used += usable;
                    overhead += size - usable;
                    live++;
                }
                else return MemoryError.HeapCorrupted;
                prevFree = false;
            }
            x += size;
        }
        if (x != _top || prevFree) return MemoryError.HeapCorrupted;
        // The slab map marks exactly the granules of live slabs' objects.
        for (ulong g = 0; g < ((_top - _base) >> SlabMap.GranuleLog) + 1; g++)
            if (_slabMap.Get(g) != 0 && mappedGranules-- == 0) return MemoryError.HeapCorrupted;
        if (mappedGranules != 0) return MemoryError.HeapCorrupted;

        // Free bins: every node free, in the right bin, doubly linked; the bitmap says which bins have nodes.
        ulong listed = 0, listedBytes = 0;
        for (int bin = 0; bin < BinCount; bin++)
        {
            if (BinMapped(bin) != (_bins[bin] != 0)) return MemoryError.HeapCorrupted;
            ulong prev = 0;
            for (ulong f = _bins[bin]; f != 0; f = Read(f + FreeBlock.Next))
            {
                if (f < _base || f >= _top || (f & 15) != 0 || ++listed > freeBlocks) return MemoryError.HeapCorrupted;
                ulong h = Read(f + BlockHeader.SizeWord);
                if ((h & Used) != 0 || Read(f + BlockHeader.SealWord) != SealOf(f, h) || BinOf(h & SizeMask) != bin
                    || Read(f + FreeBlock.Prev) != prev)
                    return MemoryError.HeapCorrupted;
                listedBytes += h & SizeMask;
                prev = f;
            }
        }
        if (listed != freeBlocks || listedBytes != freeBlockBytes) return MemoryError.HeapCorrupted;

        // Partial slab lists: exactly the slabs with a free object, doubly linked.
        for (int c = 0; c < SizeClasses.Count; c++)
        {
            ulong count = 0, prev = 0;
            for (ulong s = _classes[c].Partial; s != 0; s = Read(s + SlabHeader.Next))
            {
                if (s < _base + HeaderSize || s >= _top || ++count > blocksSeen) return MemoryError.HeapCorrupted;
                ulong info = SlabInfo(s);
                if (!SlabHeader.Plausible(info) || SlabHeader.Class(info) != c || Read(s + SlabHeader.FreeMap) == 0
                    || Read(s + SlabHeader.Prev) != prev)
                    return MemoryError.HeapCorrupted;
                prev = s;
            }
            if (count != partialSlabs[c] || liveSmall[c] != _classes[c].Live) return MemoryError.HeapCorrupted;
        }

        // Medium cache: its lists hold exactly the cached blocks, each in its bin's list, none deeper than allowed.
        ulong cachedListed = 0, cachedListedBytes = 0;
        for (int i = 0; i < CacheBins; i++)
        {
            ulong depth = 0;
            for (ulong x2 = _cacheHeads[i]; x2 != 0; x2 = Read(x2 + CacheNext))
            {
                if (!IsCached(x2) || ++depth > CacheDepth) return MemoryError.HeapCorrupted;
                ulong size = Read(x2 + BlockHeader.SizeWord) & SizeMask;
                if (BinOf(size) - FirstCacheBin != i) return MemoryError.HeapCorrupted;
                cachedListed++;
                cachedListedBytes += size;
            }
            if (depth != _cacheDepths[i]) return MemoryError.HeapCorrupted;
        }
        if (cachedListed != cachedSeen || cachedListedBytes != cachedBytes || cachedBytes != _cachedBytes)
            return MemoryError.HeapCorrupted;

        // The kept statistics agree with the walk, and the heap's bytes are all accounted for.
        if (used != UsedBytes() || overhead != _overheadBytes || freeBlockBytes != _binBytes
            || freeSlots != FreeSlotBytes() || live != LiveCount())
            return MemoryError.HeapCorrupted;
        if (used + overhead + freeBlockBytes + cachedBytes + freeSlots + (_end - _top) != _end - _base)
            return MemoryError.HeapCorrupted;
        return MemoryError.None;
    }

    /// <summary>Freed memory still holds the poison pattern (tombstones of merged headers excepted).</summary>
    private bool PoisonIntact(ulong from, ulong length)
    {
        for (ulong a = from; a < from + length; a += 8)
        {
            ulong v = Read(a);
            if (v != 0xDDDD_DDDD_DDDD_DDDDUL && v != (Seal(a - BlockHeader.SealWord) ^ DeadHeader)) return false;
        }
        return true;
    }
}
