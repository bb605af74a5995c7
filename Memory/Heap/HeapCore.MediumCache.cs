using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MemOS.Memory.Tracing;

namespace MemOS.Memory.Heap;

// Medium blocks of 2 KiB up to the large threshold that come and go: a freed one is kept whole on a LIFO list of its
// bin (at most CacheDepth per list, CacheBytes in all), marked with a kind of its own (sealed like any header, so a
// second free of it is a double free), and the next request of that bin takes it back with no search, split, merge
// or commit. Whatever does not fit the cache, and every block when the heap trims or runs short, goes back to the
// bins as before. Poisoned and red-zoned heaps do not cache (their checks read freed memory).
public partial class HeapCore<TMemory>
{
    private const ulong KindCached = 12;
    /// <summary>Smallest block cached: one past a small request's (2 KiB + header).</summary>
    private const ulong CacheMin = SizeClasses.MaxSize + 16;
    /// <summary>BinOf(CacheMin), and the bins from it up to the largest medium block's.</summary>
    private const int FirstCacheBin = 24, CacheBins = 17;
    private const ulong CacheDepth = 8, CacheBytes = 128 * 1024;
    /// <summary>A cached block's link to the next on its list: its first payload word.</summary>
    private const ulong CacheNext = BlockHeader.Bytes;

    private readonly ulong[] _cacheHeads = new ulong[CacheBins], _cacheDepths = new ulong[CacheBins];
    private ulong _cachedBytes;

    /// <summary>Bytes of medium blocks kept in the cache (free, whole, not in the bins).</summary>
    public ulong CachedBytes => _cachedBytes;

    /// <summary>First block size past the last cache bin's (BinOf 41): cached blocks are below it.</summary>
    private const ulong CacheTop = 40 * 1024;

    /// <summary>
    /// Allocate's medium branch (and every request of a heap without the fast paths): the common medium request
    /// pops its cache list here, anything else goes to AllocateSlow, which decides from the start.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private Result<VirtualAddress> AllocateCached(ulong size, ulong alignment)
    {
        ulong x = alignment == 16 && !MemoryTrace.On ? TryPopCached(size) : 0;
        if (x == 0) return AllocateSlow(size, alignment);
        return Result<VirtualAddress>.Success(new VirtualAddress(x + HeaderSize));
    }

    /// <summary>
    /// Free's branch for a pointer no slab covers: the common medium free pushes onto its cache list here,
    /// anything else goes to FreeSlow, which decides from the start.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private MemoryError FreeCached(VirtualAddress address)
    {
        ulong p = address.Value, x = p - HeaderSize;
        if ((p & 15) == 0 && x - _base < _top - _base && p < _top && TryPushCached(x)) return MemoryError.None;
        return FreeSlow(address);
    }

    /// <summary>
    /// A pop of the head of the request's cache list with raw pointers: the head block's sealed header must say
    /// cached, fit the request and belong to the list; anything else (an empty list, a head that does not fit, a
    /// heap read through an IHeapWords) returns 0. Else the block, used again.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private unsafe ulong TryPopCached(ulong size)
    {
        if (size - (SizeClasses.MaxSize + 1) >= LargeThreshold - (SizeClasses.MaxSize + 1) || _span == 0) return 0;
        ulong need = ((size + 15) & ~15UL) + HeaderSize;
        int lg = BitOperations.Log2(need);
        nint i = CacheIndex(need, lg);
        ref ulong head = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_cacheHeads), i);
        ulong x = head;
        // The head came from a freed block's link: it is checked like any pointer before it is read.
        if (x - _base >= _top - _base || (x & 15) != 0) return 0;
        ulong* w = (ulong*)x;
        ulong h = w[0], seal = w[1], bytes = h & SizeMask;
        // Same quarter of the same power of two as the request: the block belongs to this list.
        if ((h & (Used | KindMask)) != (Used | KindCached) || seal != SealOf(x, h) || bytes < need
            || bytes > _top - x || (bytes >> (lg - 2)) != (need >> (lg - 2))) return 0;
        head = w[CacheNext / 8]; // checked when it is popped in turn
        Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_cacheDepths), i)--;
        _cachedBytes -= bytes;
        w[0] = h & ~KindMask; // KindMedium: the seal changes by the kind bits alone
        w[1] = seal ^ KindCached;
        _mediumUsedBytes += bytes - HeaderSize;
        _overheadBytes += HeaderSize;
        _mediumLive++;
        _mediumAllocs++;
        return x;
    }

    /// <summary>
    /// A push onto its cache list with raw pointers, when block x (below top) has a sealed used medium header of a
    /// cached size and its list and the byte bound have room; else false.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private unsafe bool TryPushCached(ulong x)
    {
        if (_span == 0 || _noBlockCache) return false;
        ulong* w = (ulong*)x;
        ulong h = w[0], bytes = h & SizeMask;
        if ((h & (Used | KindMask)) != (Used | KindMedium) || bytes - CacheMin >= CacheTop - CacheMin) return false;
        ulong seal = w[1];
        if (seal != SealOf(x, h) || bytes > _top - x) return false;
        nint i = CacheIndex(bytes, BitOperations.Log2(bytes));
        ref ulong depth = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_cacheDepths), i);
        if (depth >= CacheDepth || _cachedBytes + bytes > CacheBytes) return false;
        ref ulong head = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_cacheHeads), i);
        w[0] = h | KindCached;
        w[1] = seal ^ KindCached;
        w[CacheNext / 8] = head;
        head = x;
        depth++;
        _cachedBytes += bytes;
        _mediumUsedBytes -= bytes - HeaderSize;
        _overheadBytes -= HeaderSize;
        _mediumLive--;
        return true;
    }

    /// <summary>
    /// BinOf(size) - FirstCacheBin for a size in [CacheMin, CacheTop) whose Log2 is <paramref name="lg"/>: the
    /// list, without BinOf's clamp (the caller's range check keeps it in the arrays).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static nint CacheIndex(ulong size, int lg) => (lg - 11) * 4 + (nint)((size >> (lg - 2)) & 3);

    /// <summary>
    /// A cached block for a medium request of <paramref name="need"/> bytes (header included) at the default
    /// alignment, made used again; or 0.
    /// </summary>
    private ulong TakeCached(ulong need)
    {
        if (need < CacheMin) return 0;
        int i = BinOf(need) - FirstCacheBin;
        if (i >= CacheBins) return 0;
        // The bin's blocks differ by up to a quarter: the first (most recent) that fits, at most CacheDepth looked at.
        ulong prev = 0, n = 0;
        for (ulong x = _cacheHeads[i]; x != 0 && n < CacheDepth; n++)
        {
            ulong h = IsCached(x) ? Read(x + BlockHeader.SizeWord) : 0;
            if (h == 0 || BinOf(h & SizeMask) - FirstCacheBin != i)
            {
                Corrupt(x); // the list is cut here rather than followed: the blocks after stay out of use
                if (prev == 0) _cacheHeads[i] = 0; else Write(prev + CacheNext, 0);
                return 0;
            }
            ulong block = h & SizeMask, next = Read(x + CacheNext); // next is checked when it is reached in turn
            if (block >= need)
            {
                Unlink(i, prev, next);
                _cachedBytes -= block;
                WriteHeader(x, block | Used | KindMedium | (h & PrevFree));
                return x;
            }
            prev = x;
            x = next;
        }
        return 0;
    }

    /// <summary>
    /// Keep used medium block x (header <paramref name="h"/>) in the cache instead of freeing it, if it is of a
    /// cached size and there is room. The caller has checked the header.
    /// </summary>
    private bool KeepCached(ulong x, ulong h)
    {
        ulong block = h & SizeMask;
        if (block < CacheMin || (h & KindMask) != KindMedium || _noBlockCache) return false;
        int i = BinOf(block) - FirstCacheBin;
        if (i >= CacheBins) return false;
        // A full list gives its oldest block back, so what the list keeps follows what is freed now.
        if (_cacheDepths[i] >= CacheDepth && !EvictOldest(i)) return false;
        // Over the byte bound: the oldest blocks of the largest bins go back first.
        for (int j = CacheBins - 1; j >= 0 && _cachedBytes + block > CacheBytes; j--)
            while (_cacheDepths[j] != 0 && _cachedBytes + block > CacheBytes)
                if (!EvictOldest(j)) return false;
        if (_cachedBytes + block > CacheBytes) return false;
        h = Read(x + BlockHeader.SizeWord); // an evicted neighbour that became free set PrevFree in it
        WriteHeader(x, block | Used | KindCached | (h & PrevFree));
        Write(x + CacheNext, _cacheHeads[i]);
        _cacheHeads[i] = x;
        _cacheDepths[i]++;
        _cachedBytes += block;
        return true;
    }

    /// <summary>Free the last block of cache list i for real; false if the list fails its checks.</summary>
    private bool EvictOldest(int i)
    {
        ulong prev = 0, x = _cacheHeads[i];
        for (ulong n = 1; n < _cacheDepths[i]; n++)
        {
            if (!IsCached(x)) { Corrupt(x); return false; }
            prev = x;
            x = Read(x + CacheNext);
        }
        if (!IsCached(x) || Read(x + CacheNext) != 0) { Corrupt(x); return false; }
        Unlink(i, prev, 0);
        return Uncache(x) == MemoryError.None;
    }

    /// <summary>
    /// Cached block x taken off its list and freed into the bins (realloc grows into it); false when x is not on its
    /// list within CacheDepth or a list fails its checks.
    /// </summary>
    private bool Release(ulong x)
    {
        int i = BinOf(Read(x + BlockHeader.SizeWord) & SizeMask) - FirstCacheBin;
        if (i < 0 || i >= CacheBins) return false;
        ulong prev = 0, y = _cacheHeads[i];
        for (ulong n = 0; y != 0 && n < CacheDepth; n++)
        {
            if (!IsCached(y)) { Corrupt(y); return false; }
            ulong next = Read(y + CacheNext);
            if (y == x)
            {
                Unlink(i, prev, next);
                return Uncache(x) == MemoryError.None;
            }
            prev = y;
            y = next;
        }
        return false;
    }

    /// <summary>Takes the block after <paramref name="prev"/> (0: the head) off list i; next follows it.</summary>
    private void Unlink(int i, ulong prev, ulong next)
    {
        if (prev == 0) _cacheHeads[i] = next; else Write(prev + CacheNext, next);
        _cacheDepths[i]--;
    }

    /// <summary>Cached block x, already off its list, back to the bins (or the top) as a freed medium block.</summary>
    private MemoryError Uncache(ulong x)
    {
        ulong h = Read(x + BlockHeader.SizeWord), block = h & SizeMask;
        _cachedBytes -= block;
        // Back to a used medium block in the statistics, then freed as one.
        ulong usable = UsableSize(block);
        _mediumUsedBytes += usable;
        _overheadBytes += block - usable;
        _mediumLive++;
        ulong used = block | Used | KindMedium | (h & PrevFree);
        WriteHeader(x, used);
        return FreeMediumNow(x, used);
    }

    /// <summary>x is a sealed cached block header inside the heap.</summary>
    private bool IsCached(ulong x)
    {
        if (x < _base || x >= _top || (x & 15) != 0) return false;
        ulong h = Read(x + BlockHeader.SizeWord);
        return (h & (Used | KindMask)) == (Used | KindCached) && IsBlockHeader(x, h);
    }

    /// <summary>Give every cached block back to the bins (merging with its free neighbours).</summary>
    private void FlushCache()
    {
        for (int i = 0; i < CacheBins; i++)
        {
            ulong x = _cacheHeads[i];
            _cacheHeads[i] = 0;
            _cacheDepths[i] = 0;
            for (ulong n = 0; x != 0 && n < CacheDepth; n++)
            {
                if (!IsCached(x))
                {
                    Corrupt(x);
                    break;
                }
                ulong next = Read(x + CacheNext);
                if (Uncache(x) != MemoryError.None) break;
                x = next;
            }
        }
    }
}
