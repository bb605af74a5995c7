namespace MemOS.Memory.Heap;

// Links are checked before they are followed (glibc's safe unlinking, plus what a sealed header proves): a free
// block or slab a list points at must lie inside the heap, be aligned, carry a valid seal of the right kind, and
// point back (next.prev == this, prev.next == this). A user heap's words are the user's to scribble on, and a
// kernel heap may be hit by a stray write: either way a bad link fails the one operation with HeapCorrupted, is
// recorded here, and nothing is written through it.
public partial class HeapCore<TMemory>
{
    private ulong _corruptions, _lastCorruption;

    /// <summary>How many times a link or header failed validation (the operation was refused each time).</summary>
    public ulong CorruptionsDetected => _corruptions;

    /// <summary>Address of the last block whose links or header failed validation, or null if none did.</summary>
    public VirtualAddress LastCorruption => new(_lastCorruption);

    /// <summary>Record a block that failed validation; returns HeapCorrupted for the caller to pass on.</summary>
    private MemoryError Corrupt(ulong at)
    {
        _corruptions++;
        _lastCorruption = at == 0 ? _base : at;
        return MemoryError.HeapCorrupted;
    }

    /// <summary>
    /// The most free blocks the heap's used span can hold: a walk of the free lists that goes further is going round a
    /// forged cycle of real free blocks (which the other checks pass), so it stops and reports the heap.
    /// </summary>
    private ulong FreeListBound => (_top - _base) / MinBlock + 1;

    /// <summary>f is a free medium block of this heap: in [base, top), aligned, sealed, not in use.</summary>
    private bool IsFreeBlock(ulong f)
    {
        if (f < _base || f >= _top || (f & 15) != 0) return false;
        ulong h = Read(f + BlockHeader.SizeWord);
        return (h & (Used | KindMask | PrevFree)) == 0 && IsBlockHeader(f, h);
    }

    /// <summary>Free block x of <paramref name="size"/> bytes can leave its bin: both neighbours point back at
    /// it.</summary>
    private bool CanBinRemove(ulong x, ulong size)
    {
        ulong next = Read(x + FreeBlock.Next), prev = Read(x + FreeBlock.Prev);
        if (next != 0 && (!IsFreeBlock(next) || Read(next + FreeBlock.Prev) != x)) return false;
        if (prev == 0) return _bins[BinOf(size)] == x;
        return IsFreeBlock(prev) && Read(prev + FreeBlock.Next) == x;
    }

    /// <summary>
    /// Freeing [x, x + size) can merge safely: the block after is a sealed header (and a free one can leave its
    /// bin), and with PrevFree the footer before x names a free block that ends at x and can leave its bin.
    /// </summary>
    private bool CanCoalesce(ulong x, ulong size, ulong prevFree)
    {
        ulong next = x + size;
        if (next != _top)
        {
            ulong nh = Read(next + BlockHeader.SizeWord);
            if (!IsBlockHeader(next, nh)) return false;
            if ((nh & Used) == 0 && !(IsFreeBlock(next) && CanBinRemove(next, nh & SizeMask))) return false;
        }
        if (prevFree != 0)
        {
            ulong ps = Read(x - FreeBlock.FooterBytes);
            if (ps < MinBlock || ps > x - _base || (ps & 15) != 0) return false;
            ulong prev = x - ps;
            if (!IsFreeBlock(prev) || (Read(prev + BlockHeader.SizeWord) & SizeMask) != ps
                || !CanBinRemove(prev, ps))
                return false;
        }
        return true;
    }

    /// <summary>s is a slab header of class c in this heap (objects on a granule, sealed info of that class).</summary>
    private bool IsSlabOf(ulong s, int c)
    {
        if (s < _base + HeaderSize || s >= _top || ((s + SlabHeader.Bytes) & (SizeClasses.Granule - 1)) != 0)
            return false;
        ulong info = SlabInfo(s);
        return SlabHeader.Plausible(info) && SlabHeader.Class(info) == c;
    }

    /// <summary>Slab s can leave class c's partial list: its neighbours are slabs of c pointing back at it.</summary>
    private bool CanUnlinkPartial(ulong s, int c)
    {
        ulong next = Read(s + SlabHeader.Next), prev = Read(s + SlabHeader.Prev);
        if (next != 0 && (!IsSlabOf(next, c) || Read(next + SlabHeader.Prev) != s)) return false;
        if (prev == 0) return _classes[c].Partial == s;
        return IsSlabOf(prev, c) && Read(prev + SlabHeader.Next) == s;
    }
}
