using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using MemOS.Memory.Tracing;

namespace MemOS.Memory.Heap;

/// <summary>
/// The heap algorithm shared by KernelHeap and UserHeap: size-class slabs for small blocks
/// (HeapCore.Slabs.cs), first-fit binned medium blocks with boundary tags (HeapCore.Medium.cs, HeapCore.Bins.cs),
/// whole-page large blocks (HeapCore.Large.cs), grown and trimmed at its end through IHeapBacking
/// (HeapCore.Growth.cs). HeapCore.Inspection.cs describes and checks it.
/// </summary>
/// <remarks>
/// All metadata lives in the heap's own memory, read and written through <typeparamref name="TMemory"/>.
/// [base, top) holds back-to-back blocks, each starting with a sealed <see cref="BlockHeader"/>; free blocks are
/// laid out as <see cref="FreeBlock"/>, slabs start with a <see cref="SlabHeader"/>. [top, end) is the "top":
/// mapped, never written until a block is carved from it, so growing the heap costs no page until the
/// allocation itself is touched. The block before top is never free.
/// </remarks>
public partial class HeapCore<TMemory> where TMemory : struct, IHeapWords
{
    // Header word bits (BlockHeader.SizeWord): the size is a multiple of 16, the low nibble holds these.
    private const ulong Used = 1, PrevFree = 2, KindMask = 0xC, SizeMask = ~0xFUL;
    private const ulong KindMedium = 0, KindLarge = 4, KindSlab = 8;
    private const ulong HeaderSize = BlockHeader.Bytes, MinBlock = FreeBlock.MinSize, Page = VirtualAddress.PageSize;
    /// <summary>
    /// Replaces a seal when a header stops being one, so a repeated free is told from a stray pointer.
    /// </summary>
    private const ulong DeadHeader = 0xDEAD_0000_0000_000E;
    private const ulong MaxAlignment = 1UL << 30;

    private readonly TMemory _memory;
    private readonly IHeapBacking _backing;
    private readonly ulong _base, _limit, _grow, _secret;
    private readonly bool _poison, _redZones, _commitBlocks, _noBlockCache;
    // The fast paths' bounds: requests below _smallLimit + 1 may take the small fast path, a pointer less than _span
    // past the base the free fast path (the slab map covers that range). Both are 0, and every operation takes the
    // general path, when the heap is read through an IHeapWords (the fast paths use raw pointers), and _smallLimit
    // with red zones, _span with poisoning.
    private readonly ulong _smallLimit, _span;
    private ulong _top, _end;

    // Statistics kept as we go (small blocks only as counts in _classes); Check() recomputes them from a walk.
    // Medium and large frees are not counted: their frees = their allocations - live.
    private ulong _mediumUsedBytes, _mediumLive, _overheadBytes, _binBytes;
    private ulong _mediumAllocs, _failedAllocs;

    /// <summary>A heap over [heapBase, heapBase + maxSize), empty until the first allocation extends it.</summary>
    public HeapCore(TMemory memory, IHeapBacking backing, VirtualAddress heapBase, ulong maxSize, HeapOptions options)
    {
        ArgumentNullException.ThrowIfNull(backing);
        if (!heapBase.IsPageAligned || !heapBase.IsCanonical || heapBase.Value == 0)
            throw new ArgumentException("heap base must be a canonical, non-null, page-aligned address",
                nameof(heapBase));
        if (maxSize == 0 || (maxSize & (Page - 1)) != 0 || heapBase.Value + maxSize < heapBase.Value
            || !new VirtualAddress(heapBase.Value + maxSize - 1).IsCanonical)
            throw new ArgumentException("heap size must be a non-zero page multiple inside one canonical half",
                nameof(maxSize));
        ulong grow = options.GrowIncrement == 0 ? HeapOptions.DefaultGrowIncrement : options.GrowIncrement;
        if ((grow & (Page - 1)) != 0)
            throw new ArgumentException("grow increment must be a page multiple", nameof(options));

        _memory = memory;
        _backing = backing;
        _base = heapBase.Value;
        _limit = heapBase.Value + maxSize;
        _grow = grow;
        _poison = options.Poison;
        _redZones = options.RedZones;
        _commitBlocks = options.CommitBlocks;
        _noBlockCache = options.NoBlockCache || options.Poison || options.RedZones;
        bool direct = typeof(TMemory) == typeof(HeapMemory) && Unsafe.As<TMemory, HeapMemory>(ref memory).IsDirect;
        _smallLimit = direct && !options.RedZones ? SizeClasses.MaxSize : 0;
        _span = direct && !options.Poison ? maxSize : 0;
        _secret = Mix(heapBase.Value ^ 0x6A09_E667_F3BC_C908UL ^ Mix(options.SealSeed));
        _top = _end = _base;
        _slabMap = new SlabMap(maxSize);
        InitializeClasses();
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

    /// <summary>
    /// kmalloc: <paramref name="size"/> bytes aligned to <paramref name="alignment"/> (a power of two).
    /// </summary>
    /// <remarks>
    /// Inlined into its callers, so the common case costs no call and no frame of its own: a pop from a class's
    /// partial slab, with nothing else on the way (the class from one table load, the object from the slab's free
    /// map, one count, raw pointers); the slab's last free object is a call (AllocateLast: the slab leaves the
    /// partial list). Larger sizes, and every request of a heap read through an IHeapWords or with red zones (both
    /// make _smallLimit 0), go to AllocateCached (the medium cache's pop). Tracing, other alignments and a class
    /// with no partial slab take AllocateSlow, which decides everything again from the start (nothing here changed
    /// the heap).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe Result<VirtualAddress> Allocate(ulong size, ulong alignment = 16)
    {
        if (size - 1 >= _smallLimit) goto Medium;
        if (alignment == 16 && !MemoryTrace.On)
        {
            nuint c = SizeClasses.ClassOf(size);
            ref SlabClass k = ref ClassAt(c);
            ulong s = k.Partial;
            if (s != 0)
            {
                ulong* map = (ulong*)(s + SlabHeader.FreeMap);
                ulong bitmap = *map, rest = bitmap & (bitmap - 1);
                if (rest == 0) return AllocateLast(s, (int)c); // the slab leaves the partial list
                *map = rest;
                k.Allocs++;
                return Result<VirtualAddress>.Success(new VirtualAddress(
                    s + SlabHeader.Bytes + (ulong)BitOperations.TrailingZeroCount(bitmap) * k.Size));
            }
        }
        return AllocateSlow(size, alignment);
    Medium:
        return AllocateCached(size, alignment); // HeapCore.MediumCache.cs
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private Result<VirtualAddress> AllocateSlow(ulong size, ulong alignment)
    {
        if (MemoryTrace.On && !_narrating) return AllocateTraced(size, alignment);
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

    /// <summary>
    /// kfree: give back a block from Allocate. Bad or repeated pointers are reported, nothing changes.
    /// </summary>
    /// <remarks>
    /// Inlined into its callers like Allocate. The common case is a push into a slab's free map that leaves the slab
    /// neither newly partial nor empty, with the checks that make a bad pointer harmless: the slab map (the heap's
    /// own array, out of reach of stray writes) names the slab, its header's check word must name a class, the
    /// offset must be an object's, and the object must be live (its bit clear: else a double free). Raw pointers: a
    /// heap read through an IHeapWords, or with poisoning, has a _span of 0. Anything else takes FreeSlow, which
    /// decides from the start and names the error.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe MemoryError Free(VirtualAddress address)
    {
        ulong p = address.Value, d = p - _base;
        if (d < _span && !MemoryTrace.On)
        {
            nuint v = _slabMap.Get(d >> SlabMap.GranuleLog);
            if (v == 0) goto Medium; // no slab here
            // Objects start on a granule: the slab header is just before the first granule of its objects.
            ulong s = (p & ~(SizeClasses.Granule - 1)) - ((ulong)(v - 1) << SlabMap.GranuleLog) - SlabHeader.Bytes;
            ulong info = *(ulong*)(s + SlabHeader.Info) ^ s ^ _slabKey;
            if (!SlabHeader.Plausible(info)) goto Slow;
            int c = SlabHeader.Class(info);
            ref SlabClass k = ref ClassAt((nuint)c);
            ulong off = p - s - SlabHeader.Bytes;
            if (off >= k.Objects) goto Medium; // past the objects: not this slab's (a medium block may start there)
            ulong index = (off * k.Reciprocal) >> 32; // off / size without a divide (exact below 2^16)
            ulong* map = (ulong*)(s + SlabHeader.FreeMap);
            ulong bitmap = *map, after = bitmap | (1UL << (int)index);
            // An object's start (a multiple of the size) and live (its bit clear). A full slab joins the partial
            // list (FreeIntoFull); one not left empty (unless it is the class's kept empty slab already) takes this
            // one store; a slab left empty goes to FreeSlow (Emptied).
            if (index * k.Size == off && after != bitmap)
            {
                if (bitmap == 0) return FreeIntoFull(s, c, after);
                if (after != k.Full || k.Empty == s)
                {
                    *map = after;
                    k.Frees++;
                    return MemoryError.None;
                }
            }
        }
    Slow:
        return FreeSlow(address);
    Medium:
        return FreeCached(address); // HeapCore.MediumCache.cs
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private MemoryError FreeSlow(VirtualAddress address)
    {
        // Tracing costs Free one test; when on, FreeTraced narrates and runs this same code again.
        if (MemoryTrace.On && !_narrating) return FreeTraced(address);
        ulong p = address.Value;
        if ((p & 15) != 0) return MemoryError.Misaligned;
        if (p < _base + HeaderSize || p >= _end) return MemoryError.BadPointer;

        ulong x = p - HeaderSize;
        if (p >= _top) // only a block that was freed into the top can have been here
            return IsBuried(x) ? MemoryError.DoubleFree : MemoryError.BadPointer;
        if (TryPushCached(x)) return MemoryError.None; // a medium block the cache keeps (HeapCore.MediumCache.cs)

        // Small first (the common case). A window's tail past its objects may hold other blocks: those fall through.
        ulong s = FindSlab(p, out ulong info);
        if (s != 0)
        {
            MemoryError small = FreeSmall(s, p, info);
            if (small != MemoryError.OutOfRange) return small;
        }

        ulong h = Read(x + BlockHeader.SizeWord);
        if (IsBlockHeader(x, h))
        {
            if ((h & Used) == 0 || (h & KindMask) == KindCached) return MemoryError.DoubleFree;
            if ((h & KindMask) != KindSlab) return FreeMedium(x, h);
        }
        if (IsBuried(x)) return MemoryError.DoubleFree;
        return MemoryError.BadPointer;
    }

    /// <summary>Usable bytes of a live block (at least what was asked for).</summary>
    public Result<ulong> SizeOf(VirtualAddress address)
    {
        ulong p = address.Value;
        if ((p & 15) != 0) return Result<ulong>.Fail(MemoryError.Misaligned);
        if (p < _base + HeaderSize || p >= _top) return Result<ulong>.Fail(MemoryError.BadPointer);
        ulong x = p - HeaderSize;
        ulong h = Read(x + BlockHeader.SizeWord);
        if (IsBlockHeader(x, h))
        {
            if ((h & Used) == 0 || (h & KindMask) == KindCached) return Result<ulong>.Fail(MemoryError.NotAllocated);
            if ((h & KindMask) != KindSlab) return Result<ulong>.Success(UsableSize(h & SizeMask));
        }
        return SmallSizeOf(p);
    }

    // ---------------------------------------------------------------- narration (tracing on only)

    // Set while a traced call runs the untraced code, so it does not narrate itself twice.
    private bool _narrating;

    private Result<VirtualAddress> AllocateTraced(ulong size, ulong alignment)
    {
        MemoryTrace.Emit(MemoryEventKind.HeapSearch, size: size, detail: (uint)Math.Min(alignment, uint.MaxValue));
        _narrating = true;
        var result = Allocate(size, alignment);
        _narrating = false;
        ulong usable = result.Ok ? SizeOf(result.Value).Value : 0;
        MemoryTrace.Emit(MemoryEventKind.HeapAllocated, result.Ok ? result.Value.Value : 0, usable);
        return result;
    }

    private MemoryError FreeTraced(VirtualAddress address)
    {
        var size = SizeOf(address);
        if (size.Ok) MemoryTrace.Emit(MemoryEventKind.HeapFree, address.Value, size.Value);
        _narrating = true;
        var error = Free(address);
        _narrating = false;
        return error;
    }

    // ---------------------------------------------------------------- words, seals

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong Read(ulong address) => _memory.Read64(new VirtualAddress(address));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Write(ulong address, ulong value) => _memory.Write64(new VirtualAddress(address), value);

    private void WriteHeader(ulong x, ulong header)
    {
        Write(x + BlockHeader.SizeWord, header);
        Write(x + BlockHeader.SealWord, SealOf(x, header));
    }

    /// <summary>Header word <paramref name="h"/> read at x is a sealed header of a block that fits below top.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool IsBlockHeader(ulong x, ulong h)
        => Read(x + BlockHeader.SealWord) == SealOf(x, h) && (h & SizeMask) >= MinBlock && (h & SizeMask) <= _top - x;

    /// <summary>
    /// A header that stopped being one: replace its seal with a tombstone so a repeated free is recognised.
    /// </summary>
    private void Bury(ulong x) => Write(x + BlockHeader.SealWord, Seal(x) ^ DeadHeader);

    private bool IsBuried(ulong x) => Read(x + BlockHeader.SealWord) == (Seal(x) ^ DeadHeader);

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
