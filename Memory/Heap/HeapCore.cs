using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace MemOS.Memory.Heap;

/// <summary>
/// The heap algorithm shared by KernelHeap and UserHeap: size-class slabs for small blocks, first-fit binned
/// medium blocks with boundary tags, whole-page large blocks, grown and trimmed at its end through IHeapBacking.
/// </summary>
/// <remarks>
/// All metadata lives in the heap's own memory, read and written through <typeparamref name="TMemory"/>.
/// Layout of [base, top): back-to-back blocks, each starting with a 16-byte header:
///   word 0: size (multiple of 16) | Used | PrevFree | kind;  word 1: seal = hash(address) ^ word 0 (minus PrevFree).
/// The seal binds a header to its address, so a stray or interior pointer is recognised without a side table.
/// Free blocks add list links at +16/+24 and a footer (their size) in their last word, so a block can find a
/// free predecessor. [top, end) is the "top": mapped, never written until a block is carved from it, so
/// growing the heap costs no page until the allocation itself is touched. The block before top is never free.
/// A slab is a medium block whose payload is a 32-byte slab header followed by objects starting on a 512-byte
/// granule: free(p) reads p's distance from that granule in a side table (SlabMap) and finds the header by
/// subtraction. Most classes' slab blocks span whole granules from 48 bytes before one, so they pack back to back
/// and a freed one can be reused by a slab of any such class without an alignment gap.
/// </remarks>
public partial class HeapCore<TMemory> where TMemory : struct, IVirtualMemory
{
    private const ulong Used = 1, PrevFree = 2, KindMask = 0xC, SizeMask = ~0xFUL;
    private const ulong KindMedium = 0, KindLarge = 4, KindSlab = 8;
    private const ulong HeaderSize = 16, MinBlock = 48, Page = VirtualAddress.PageSize;
    private const ulong DeadHeader = 0xDEAD_0000_0000_000E;
    private const ulong SlabTag = 0x51AB_0000_0000_0000;
    private const ulong MaxAlignment = 1UL << 30;
    /// <summary>Requests from this size up are large: whole pages.</summary>
    public const ulong LargeThreshold = 32 * 1024;
    private const int BinCount = 128;

    private readonly TMemory _memory;
    private readonly IHeapBacking _backing;
    private readonly ulong _base, _limit, _grow, _secret;
    private readonly bool _poison, _redZones;
    private ulong _top, _end;

    // Medium free lists: one per size bin, and a bitmap of the non-empty ones.
    private readonly ulong[] _bins = new ulong[BinCount];
    private ulong _binMap0, _binMap1;

    // Per size class: partial-slab list, geometry, counts. And the granule -> slab table for free(p).
    private readonly SlabClass[] _classes = new SlabClass[SizeClasses.Count];
    private readonly SlabMap _slabMap;

    // Statistics kept as we go (small blocks only as counts in _classes); Check() recomputes them from a walk.
    // Frees are not counted: total frees = total allocations - live.
    private ulong _mediumUsedBytes, _mediumLive, _overheadBytes, _binBytes;
    private ulong _totalAllocs, _failedAllocs;

    /// <summary>A heap over [heapBase, heapBase + maxSize), empty until the first allocation extends it.</summary>
    public HeapCore(TMemory memory, IHeapBacking backing, VirtualAddress heapBase, ulong maxSize, HeapOptions options)
    {
        ArgumentNullException.ThrowIfNull(backing);
        if (!heapBase.IsPageAligned || !heapBase.IsCanonical || heapBase.Value == 0)
            throw new ArgumentException("heap base must be a canonical, non-null, page-aligned address", nameof(heapBase));
        if (maxSize == 0 || (maxSize & (Page - 1)) != 0 || heapBase.Value + maxSize < heapBase.Value
            || !new VirtualAddress(heapBase.Value + maxSize - 1).IsCanonical)
            throw new ArgumentException("heap size must be a non-zero page multiple inside one canonical half", nameof(maxSize));
        ulong grow = options.GrowIncrement == 0 ? HeapOptions.DefaultGrowIncrement : options.GrowIncrement;
        if ((grow & (Page - 1)) != 0) throw new ArgumentException("grow increment must be a page multiple", nameof(options));

        _memory = memory;
        _backing = backing;
        _base = heapBase.Value;
        _limit = heapBase.Value + maxSize;
        _grow = grow;
        _poison = options.Poison;
        _redZones = options.RedZones;
        _secret = Mix(heapBase.Value ^ 0x6A09_E667_F3BC_C908UL);
        _top = _end = _base;
        _slabMap = new SlabMap(maxSize);
        for (int c = 0; c < SizeClasses.Count; c++)
        {
            ulong size = SizeClasses.Size(c);
            _classes[c].Size = size;
            _classes[c].Objects = (ulong)SizeClasses.Capacity(c) * size;
            _classes[c].Reciprocal = ((1UL << 32) + size - 1) / size;
        }
    }

    /// <summary>First address of the heap.</summary>
    public VirtualAddress Base => new(_base);

    /// <summary>End of the mapped part: [Base, End) has been obtained through IHeapBacking.Extend.</summary>
    public VirtualAddress End => new(_end);

    /// <summary>End of the carved part: blocks live in [Base, Top).</summary>
    public VirtualAddress Top => new(_top);

    /// <summary>Size of the slab map, the side table free(p) consults (maxSize / 512, fixed at construction).</summary>
    public ulong SlabMapBytes => _slabMap.Bytes;

    // ---------------------------------------------------------------- kmalloc / kfree

    /// <summary>kmalloc: <paramref name="size"/> bytes aligned to <paramref name="alignment"/> (a power of two).</summary>
    public Result<VirtualAddress> Allocate(ulong size, ulong alignment = 16)
    {
        // The common case first: a small block at the default alignment from a class's partial slab.
        if (alignment == 16 && size - 1 < SizeClasses.MaxSize && !_redZones)
        {
            int k = SizeClasses.IndexOf(size);
            ulong slab = _classes[k].Partial;
            if (slab != 0) return AllocateFrom(slab, k);
        }
        if (size == 0 || alignment == 0 || (alignment & (alignment - 1)) != 0 || alignment > MaxAlignment)
            return Result<VirtualAddress>.Fail(MemoryError.InvalidArgument);
        if (alignment < 16) alignment = 16;

        if (size <= SizeClasses.MaxSize && !_redZones)
        {
            // Small: a class whose objects are naturally aligned enough (class sizes are multiples of their low bit).
            // Objects start on a 512-byte granule, so stricter alignments go to the medium path.
            ulong request = alignment == 16 ? size : (size + alignment - 1) & ~(alignment - 1);
            if (request <= SizeClasses.MaxSize && alignment <= SizeClasses.Granule)
            {
                int c = SizeClasses.IndexOf(request);
                if ((_classes[c].Size & (alignment - 1)) == 0)
                {
                    ulong s = _classes[c].Partial;
                    if (s != 0) return AllocateFrom(s, c);
                    return AllocateSmallSlow(c);
                }
            }
        }
        return AllocateMedium(size, alignment);
    }

    /// <summary>kfree: give back a block from Allocate. Bad or repeated pointers are reported, nothing changes.</summary>
    public MemoryError Free(VirtualAddress address)
    {
        ulong p = address.Value;
        if ((p & 15) != 0) return MemoryError.Misaligned;
        if (p < _base + HeaderSize || p >= _end) return MemoryError.BadPointer;

        ulong x = p - HeaderSize;
        if (p >= _top) // only a block that was freed into the top can have been here
            return Read(x + 8) == (Seal(x) ^ DeadHeader) ? MemoryError.DoubleFree : MemoryError.BadPointer;

        // Small first (the common case). A window's tail past its objects may hold other blocks: those fall through.
        ulong s = FindSlab(p, out ulong info);
        if (s != 0)
        {
            MemoryError small = FreeSmall(s, p, info);
            if (small != MemoryError.OutOfRange) return small;
        }

        ulong h = Read(x);
        if (Read(x + 8) == SealOf(x, h) && (h & SizeMask) >= MinBlock && (h & SizeMask) <= _top - x)
        {
            if ((h & Used) == 0) return MemoryError.DoubleFree;
            if ((h & KindMask) != KindSlab) return FreeMedium(x, h);
        }
        if (Read(x + 8) == (Seal(x) ^ DeadHeader)) return MemoryError.DoubleFree;
        return MemoryError.BadPointer;
    }

    /// <summary>Usable bytes of a live block (at least what was asked for).</summary>
    public Result<ulong> SizeOf(VirtualAddress address)
    {
        ulong p = address.Value;
        if ((p & 15) != 0) return Result<ulong>.Fail(MemoryError.Misaligned);
        if (p < _base + HeaderSize || p >= _top) return Result<ulong>.Fail(MemoryError.BadPointer);
        ulong x = p - HeaderSize;
        ulong h = Read(x);
        if (Read(x + 8) == SealOf(x, h) && (h & SizeMask) >= MinBlock && (h & SizeMask) <= _top - x)
        {
            if ((h & Used) == 0) return Result<ulong>.Fail(MemoryError.NotAllocated);
            if ((h & KindMask) != KindSlab) return Result<ulong>.Success(UsableSize(h & SizeMask));
        }
        ulong s = FindSlab(p, out ulong info);
        if (s == 0) return Result<ulong>.Fail(MemoryError.BadPointer);
        int c = (int)(info & 0xFF);
        ulong off = p - (s + 32);
        ulong index = off / _classes[c].Size;
        if (index * _classes[c].Size != off || index >= ((info >> 8) & 0xFF)) return Result<ulong>.Fail(MemoryError.BadPointer);
        if ((Read(s + 8) & (1UL << (int)index)) != 0) return Result<ulong>.Fail(MemoryError.NotAllocated);
        return Result<ulong>.Success(_classes[c].Size);
    }

    /// <summary>Give back cached empty slabs and every trailing free page (malloc_trim). Not a hot path.</summary>
    public void Trim()
    {
        for (int c = 0; c < SizeClasses.Count; c++)
        {
            ulong s = _classes[c].Partial;
            while (s != 0)
            {
                ulong next = Read(s + 16);
                ulong info = Read(s) ^ Seal(s) ^ SlabTag;
                if (Read(s + 8) == FullMask((int)((info >> 8) & 0xFF))) ReleaseSlab(s, c, info);
                s = next;
            }
        }
        ReleaseTrailing(0);
    }

    // ---------------------------------------------------------------- small blocks (slabs)

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Result<VirtualAddress> AllocateFrom(ulong s, int c)
    {
        ulong bitmap = Read(s + 8);
        int index = BitOperations.TrailingZeroCount(bitmap);
        bitmap &= bitmap - 1;
        Write(s + 8, bitmap);
        if (bitmap == 0) UnlinkPartial(s, c); // full: off the list until something is freed
        ref SlabClass k = ref _classes[c];
        k.Live++;
        _totalAllocs++;
        return Result<VirtualAddress>.Success(new VirtualAddress(s + 32 + (ulong)index * k.Size));
    }

    private Result<VirtualAddress> AllocateSmallSlow(int c)
    {
        int granules = SizeClasses.SpanGranules(c);
        int capacity = SizeClasses.Capacity(c);
        ulong objects = _classes[c].Objects;
        // Objects start on a granule; a block of the whole span also leaves the next slab's block on one.
        ulong x = Carve(SizeClasses.BlockBytes(c) - HeaderSize, SizeClasses.Granule, 32, KindSlab, out MemoryError error);
        if (x == 0) return Fail(error);
        ulong s = x + HeaderSize;
        ulong info = (uint)c | ((ulong)(uint)capacity << 8) | ((ulong)(uint)granules << 16);
        Write(s, Seal(s) ^ SlabTag ^ info);
        Write(s + 8, FullMask(capacity));
        Write(s + 16, 0);
        Write(s + 24, 0);
        if (_poison) _memory.Fill(new VirtualAddress(s + 32), HeapOptions.PoisonByte, objects);
        ulong block = Read(x) & SizeMask;
        _overheadBytes += block - objects;
        _classes[c].Slots += (ulong)capacity;
        _classes[c].Partial = s;
        MapSlab(s, objects, clear: false);
        return AllocateFrom(s, c);
    }

    /// <summary>The slab header for a pointer inside a slab's objects (or their last granule), or 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong FindSlab(ulong p, out ulong info)
    {
        ulong g = (p - _base) >> SlabMap.GranuleLog;
        int v = _slabMap.Get(g);
        if (v != 0)
        {
            ulong s = _base + ((g - (ulong)(v - 1)) << SlabMap.GranuleLog) - 32;
            ulong h = Read(s) ^ Seal(s) ^ SlabTag; // the map is a hint: the sealed header decides
            if ((h >> 24) == 0 && (h & 0xFF) < SizeClasses.Count)
            {
                info = h;
                return s;
            }
        }
        info = 0;
        return 0;
    }

    /// <summary>Record (or erase) the granules a slab's objects cover, so free(p) finds the slab's first granule.</summary>
    private void MapSlab(ulong s, ulong objects, bool clear)
    {
        ulong first = s + 32 - _base;
        _slabMap.Set(first >> SlabMap.GranuleLog, (first + objects - 1) >> SlabMap.GranuleLog, clear);
    }

    private MemoryError FreeSmall(ulong s, ulong p, ulong info)
    {
        int c = (int)(info & 0xFF);
        ref SlabClass k = ref _classes[c];
        ulong size = k.Size;
        ulong off = p - (s + 32);
        if (off >= k.Objects) return MemoryError.OutOfRange; // past the objects: not this slab's
        ulong index = (off * k.Reciprocal) >> 32; // off / size without a divide
        if (index * size != off) return MemoryError.BadPointer;
        ulong bitmap = Read(s + 8);
        ulong bit = 1UL << (int)index;
        if ((bitmap & bit) != 0) return MemoryError.DoubleFree;

        if (_poison) _memory.Fill(new VirtualAddress(p), HeapOptions.PoisonByte, size);
        Write(s + 8, bitmap | bit);
        k.Live--;
        if (bitmap == 0) LinkPartial(s, c);
        // Empty: give it back unless it is the class's only partial slab (keeps alloc/free at a boundary cheap).
        else if ((bitmap | bit) == FullMask((int)((info >> 8) & 0xFF)) && (k.Partial != s || Read(s + 16) != 0))
            ReleaseSlab(s, c, info);
        return MemoryError.None;
    }

    private void ReleaseSlab(ulong s, int c, ulong info)
    {
        UnlinkPartial(s, c);
        ulong objects = _classes[c].Objects;
        ulong x = s - HeaderSize;
        ulong block = Read(x) & SizeMask;
        _overheadBytes -= block - objects;
        _classes[c].Slots -= (info >> 8) & 0xFF;
        MapSlab(s, objects, clear: true);
        Write(s, 0); // the header is gone: a stale one must never validate
        Coalesce(x, block, Read(x) & PrevFree);
    }

    private void LinkPartial(ulong s, int c)
    {
        ulong head = _classes[c].Partial;
        Write(s + 16, head);
        Write(s + 24, 0);
        if (head != 0) Write(head + 24, s);
        _classes[c].Partial = s;
    }

    private void UnlinkPartial(ulong s, int c)
    {
        ulong next = Read(s + 16), prev = Read(s + 24);
        if (prev != 0) Write(prev + 16, next);
        else _classes[c].Partial = next;
        if (next != 0) Write(next + 24, prev);
        Write(s + 16, 0);
        Write(s + 24, 0);
    }

    private static ulong FullMask(int capacity) => capacity >= 64 ? ulong.MaxValue : (1UL << capacity) - 1;

    // ---------------------------------------------------------------- medium and large blocks

    private Result<VirtualAddress> AllocateMedium(ulong size, ulong alignment)
    {
        ulong kind = KindMedium, offset = 0, payload;
        if (size > _limit - _base) return Fail(MemoryError.OutOfMemory);
        if (size >= LargeThreshold)
        {
            // Whole pages: the block (header included) starts on a page and ends on one.
            kind = KindLarge;
            payload = ((size + HeaderSize + Page - 1) & ~(Page - 1)) - HeaderSize;
            if (alignment <= 16) { alignment = Page; offset = Page - HeaderSize; }
        }
        else payload = (size + 15) & ~15UL;
        if (_redZones) payload += 16;

        ulong x = Carve(payload, alignment, offset, kind, out MemoryError error);
        if (x == 0) return Fail(error);
        ulong block = Read(x) & SizeMask;
        ulong usable = UsableSize(block);
        if (_redZones) _memory.Fill(new VirtualAddress(x + HeaderSize + usable), HeapOptions.RedZoneByte, 16);
        _mediumUsedBytes += usable;
        _overheadBytes += block - usable;
        _mediumLive++;
        _totalAllocs++;
        return Result<VirtualAddress>.Success(new VirtualAddress(x + HeaderSize));
    }

    private MemoryError FreeMedium(ulong x, ulong h)
    {
        ulong block = h & SizeMask;
        ulong usable = UsableSize(block);
        if (_redZones && !RedZoneIntact(x + HeaderSize + usable)) return MemoryError.HeapCorrupted;
        _mediumUsedBytes -= usable;
        _overheadBytes -= block - usable;
        _mediumLive--;
        Coalesce(x, block, h & PrevFree);
        return MemoryError.None;
    }

    private ulong UsableSize(ulong block) => block - HeaderSize - (_redZones ? 16UL : 0);

    private bool RedZoneIntact(ulong zone)
        => Read(zone) == 0xFDFD_FDFD_FDFD_FDFDUL && Read(zone + 8) == 0xFDFD_FDFD_FDFD_FDFDUL;

    /// <summary>
    /// Find room for a block whose payload is at least <paramref name="payload"/> bytes and satisfies
    /// (payload address + offset) % align == 0: first fit in the free bins, else from the top (growing it).
    /// Writes the used header; returns the block address, or 0 and the reason (state unchanged).
    /// </summary>
    private ulong Carve(ulong payload, ulong align, ulong offset, ulong kind, out MemoryError error)
    {
        ulong need = payload + HeaderSize;
        if (need < MinBlock) need = MinBlock;
        error = MemoryError.None;

        for (int bin = BinOf(need); bin < BinCount; bin = NextBin(bin + 1))
        {
            for (ulong f = _bins[bin]; f != 0; f = Read(f + 16))
            {
                ulong fs = Read(f) & SizeMask;
                ulong x = Place(f, align, offset);
                if (x + need <= f + fs)
                {
                    TakeFrom(f, fs, x, need, kind);
                    return x;
                }
            }
        }

        ulong at = Place(_top, align, offset);
        if (at + need > _limit || at + need < at) { error = MemoryError.OutOfMemory; return 0; }
        error = EnsureEnd(at + need);
        if (error != MemoryError.None) return 0;
        ulong gap = at - _top;
        if (gap != 0)
        {
            if (_poison) _memory.Fill(new VirtualAddress(_top + 32), HeapOptions.PoisonByte, gap - 40);
            MakeFree(_top, gap);
        }
        WriteHeader(at, need | Used | kind | (gap != 0 ? PrevFree : 0));
        _top = at + need;
        return at;
    }

    /// <summary>Block address inside free space starting at f that meets the alignment, leaving no front gap smaller than a block.</summary>
    private static ulong Place(ulong f, ulong align, ulong offset)
    {
        ulong x = ((f + HeaderSize + offset + align - 1) & ~(align - 1)) - offset - HeaderSize;
        if (x != f && x - f < MinBlock) x += align; // align >= 32 here, so the gap becomes >= 48
        return x;
    }

    /// <summary>Carve [x, x + need) out of free block f: front gap and tail stay free unless too small to be blocks.</summary>
    private void TakeFrom(ulong f, ulong fs, ulong x, ulong need, ulong kind)
    {
        BinRemove(f, fs);
        ulong end = f + fs, gap = x - f, tail = end - (x + need);
        if (tail < MinBlock) { need += tail; tail = 0; }
        if (gap != 0) MakeFree(f, gap);
        WriteHeader(x, need | Used | kind | (gap != 0 ? PrevFree : 0));
        if (tail != 0) MakeFree(x + need, tail);
        else Write(end, Read(end) & ~PrevFree); // a free block is never last before top, so `end` is a header
    }

    /// <summary>Free [x, x + size): next into current, then current into previous, or into the top.</summary>
    private void Coalesce(ulong x, ulong size, ulong prevFree)
    {
        ulong absorbedNext = 0, absorbedSelf = 0;
        ulong next = x + size;
        if (next != _top)
        {
            ulong nh = Read(next);
            if ((nh & Used) == 0)
            {
                ulong ns = nh & SizeMask;
                BinRemove(next, ns);
                size += ns;
                absorbedNext = next;
            }
            else Write(next, nh | PrevFree);
        }
        if (prevFree != 0)
        {
            ulong ps = Read(x - 8);
            ulong prev = x - ps;
            BinRemove(prev, ps);
            absorbedSelf = x;
            x = prev;
            size += ps;
        }

        if (x + size == _top)
        {
            // Into the top: nothing is written there except tombstones, so no page beyond is touched.
            Bury(x);
            if (absorbedSelf != 0) Bury(absorbedSelf);
            _top = x;
            ReleaseTrailing(_grow);
            return;
        }
        if (_poison) _memory.Fill(new VirtualAddress(x + 32), HeapOptions.PoisonByte, size - 40);
        if (absorbedNext != 0) Bury(absorbedNext);
        if (absorbedSelf != 0) Bury(absorbedSelf);
        MakeFree(x, size);
    }

    /// <summary>A header that stopped being one: replace its seal with a tombstone so a repeated free is recognised.</summary>
    private void Bury(ulong x) => Write(x + 8, Seal(x) ^ DeadHeader);

    private void MakeFree(ulong x, ulong size)
    {
        WriteHeader(x, size); // its predecessor is never free: free neighbours are always merged
        Write(x + size - 8, size);
        BinInsert(x, size);
    }

    // ---------------------------------------------------------------- growth and trimming

    private MemoryError EnsureEnd(ulong needEnd)
    {
        if (needEnd <= _end) return MemoryError.None;
        ulong exact = (needEnd + Page - 1) & ~(Page - 1);
        ulong generous = Math.Min(Math.Max(exact, _end + _grow), _limit);
        MemoryError error = _backing.Extend(new VirtualAddress(_end), generous - _end);
        if (error != MemoryError.None && generous != exact)
        {
            generous = exact;
            error = _backing.Extend(new VirtualAddress(_end), exact - _end);
        }
        if (error != MemoryError.None) return error;
        _end = generous;
        return MemoryError.None;
    }

    /// <summary>Give trailing pages back once more than twice <paramref name="keep"/> is free past the top (hysteresis).</summary>
    private void ReleaseTrailing(ulong keep)
    {
        ulong used = (_top + Page - 1) & ~(Page - 1);
        if (_end <= used + 2 * keep) return;
        ulong newEnd = used + keep;
        if (_backing.Release(new VirtualAddress(newEnd), _end - newEnd) == MemoryError.None) _end = newEnd;
    }

    // ---------------------------------------------------------------- free bins

    private static int BinOf(ulong size)
    {
        int lg = BitOperations.Log2(size);
        int bin = (lg - 5) * 4 + (int)((size >> (lg - 2)) & 3);
        return bin < BinCount ? bin : BinCount - 1;
    }

    /// <summary>First non-empty bin at or after <paramref name="from"/>, or BinCount.</summary>
    private int NextBin(int from)
    {
        if (from < 64)
        {
            ulong m = _binMap0 & (ulong.MaxValue << from);
            if (m != 0) return BitOperations.TrailingZeroCount(m);
            from = 64;
        }
        if (from >= BinCount) return BinCount;
        ulong m1 = _binMap1 & (ulong.MaxValue << (from - 64));
        return m1 != 0 ? 64 + BitOperations.TrailingZeroCount(m1) : BinCount;
    }

    private void BinInsert(ulong x, ulong size)
    {
        int bin = BinOf(size);
        ulong head = _bins[bin];
        Write(x + 16, head);
        Write(x + 24, 0);
        if (head != 0) Write(head + 24, x);
        _bins[bin] = x;
        if (bin < 64) _binMap0 |= 1UL << bin; else _binMap1 |= 1UL << (bin - 64);
        _binBytes += size;
    }

    private void BinRemove(ulong x, ulong size)
    {
        int bin = BinOf(size);
        ulong next = Read(x + 16), prev = Read(x + 24);
        if (prev != 0) Write(prev + 16, next);
        else
        {
            _bins[bin] = next;
            if (next == 0)
            {
                if (bin < 64) _binMap0 &= ~(1UL << bin); else _binMap1 &= ~(1UL << (bin - 64));
            }
        }
        if (next != 0) Write(next + 24, prev);
        _binBytes -= size;
    }

    // ---------------------------------------------------------------- words, seals

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong Read(ulong address) => _memory.Read64(new VirtualAddress(address));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Write(ulong address, ulong value) => _memory.Write64(new VirtualAddress(address), value);

    private void WriteHeader(ulong x, ulong header)
    {
        Write(x, header);
        Write(x + 8, SealOf(x, header));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong Seal(ulong address) => Mix(address ^ _secret);

    /// <summary>PrevFree is left out: it changes when a neighbour does, without this block being rewritten.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong SealOf(ulong x, ulong header) => Seal(x) ^ (header & ~PrevFree);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mix(ulong v)
    {
        v *= 0x9E37_79B9_7F4A_7C15UL;
        return v ^ (v >> 29);
    }

    private Result<VirtualAddress> Fail(MemoryError error)
    {
        _failedAllocs++;
        return Result<VirtualAddress>.Fail(error);
    }
}
