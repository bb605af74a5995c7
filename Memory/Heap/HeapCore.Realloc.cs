using System;

namespace MemOS.Memory.Heap;

// realloc: a medium or large block grows in place into the free block after it or into the top, and shrinks in place
// by giving its tail back (merged with what follows); a small block keeps its slot while the request still fits it.
// Only when there is no room after the block do the bytes move to a new block.
public partial class HeapCore<TMemory>
{
    /// <summary>Reallocations served without moving the block (grown or shrunk in place, or already big
    /// enough).</summary>
    public ulong ReallocationsInPlace { get; private set; }

    /// <summary>Reallocations that had to move the bytes to a new block.</summary>
    public ulong ReallocationsMoved { get; private set; }

    /// <summary>
    /// realloc: the block at <paramref name="address"/> now holds at least <paramref name="size"/> bytes, its first
    /// min(old, new) bytes unchanged; the result may be the same address. A null address allocates. On failure the
    /// old block is untouched and still owned by the caller. Bytes past the old size are not cleared.
    /// </summary>
    public Result<VirtualAddress> Reallocate(VirtualAddress address, ulong size)
    {
        if (address.Value == 0) return Allocate(size);
        if (size == 0) return Fail(MemoryError.InvalidArgument);
        Result<ulong> current = SizeOf(address);
        if (!current.Ok) return Result<VirtualAddress>.Fail(current.Error);
        if (size > _limit - _base) return Fail(MemoryError.OutOfMemory);
        ulong p = address.Value, usable = current.Value;
        ulong x = p - HeaderSize, h = Read(x + BlockHeader.SizeWord);
        bool medium = IsBlockHeader(x, h) && (h & Used) != 0 && (h & KindMask) != KindSlab;
        if (medium && !_redZones)
        {
            if (size <= usable ? ShrinkInPlace(x, h, size) : GrowInPlace(x, h, size))
            {
                ReallocationsInPlace++;
                return Result<VirtualAddress>.Success(address);
            }
        }
        if (size <= usable)
        {
            ReallocationsInPlace++;
            return Result<VirtualAddress>.Success(address);
        }

        Result<VirtualAddress> moved = Allocate(size);
        if (!moved.Ok) return moved;
        ulong to = moved.Value.Value;
        for (ulong i = 0; i + 8 <= usable; i += 8) Write(to + i, Read(p + i)); // usable is a multiple of 16
        Free(address);
        ReallocationsMoved++;
        return moved;
    }

    /// <summary>Block bytes a medium or large block needs for <paramref name="size"/> bytes (large: whole
    /// pages).</summary>
    private static ulong BlockFor(ulong size, ulong kind)
        => kind == KindLarge ? (size + HeaderSize + Page - 1) & ~(Page - 1)
            : Math.Max(MinBlock, ((size + 15) & ~15UL) + HeaderSize);

    // Gives the tail past `size` back when it is a block's worth; true when the block stays where it is (always,
    // unless the heap around it looks damaged, when nothing is changed and the caller moves it instead).
    private bool ShrinkInPlace(ulong x, ulong h, ulong size)
    {
        ulong block = h & SizeMask, kind = h & KindMask;
        ulong want = BlockFor(size, kind);
        if (want >= block || block - want < MinBlock) return true;
        ulong tail = x + want, tailSize = block - want;
        if (!CanCoalesce(tail, tailSize, 0)) return false;
        if (_backing.Commit(new VirtualAddress(tail), FreeBlock.Body) != MemoryError.None) return true;
        WriteHeader(x, want | Used | kind | (h & PrevFree));
        _mediumUsedBytes -= tailSize;
        Coalesce(tail, tailSize, 0);
        return true;
    }

    // Takes what the block needs from the free block after it, or from the top; false when there is no such room.
    private bool GrowInPlace(ulong x, ulong h, ulong size)
    {
        ulong block = h & SizeMask, kind = h & KindMask;
        ulong want = BlockFor(size, kind);
        if (want > _limit - x) return false;
        ulong next = x + block;
        // A cached neighbour is free space kept for its bin: realloc takes it back to the bins first.
        if (next < _top && IsCached(next) && !Release(next)) return false;
        if (next == _top)
        {
            if (EnsureEnd(x + want) != MemoryError.None || CommitGrown(x, block, want, false) != MemoryError.None)
                return false;
            WriteHeader(x, want | Used | kind | (h & PrevFree));
            _top = x + want;
        }
        else
        {
            ulong nh = Read(next + BlockHeader.SizeWord);
            if ((nh & Used) != 0 || !IsFreeBlock(next)) return false;
            ulong ns = nh & SizeMask, end = next + ns;
            if (block + ns < want || !CanBinRemove(next, ns)) return false;
            if (end != _top && !IsBlockHeader(end, Read(end + BlockHeader.SizeWord))) return false;
            ulong rest = end - (x + want);
            if (rest < MinBlock)
            {
                if (rest != 0 && kind == KindLarge) return false; // a large block stays whole pages
                want = end - x;
                rest = 0;
            }
            if (CommitGrown(x, block, want, rest != 0) != MemoryError.None) return false;
            BinRemove(next, ns);
            Bury(next); // its header is now inside this block: a stray free of it is reported, not obeyed
            WriteHeader(x, want | Used | kind | (h & PrevFree));
            if (rest != 0) MakeFree(x + want, rest);
            else if (end != _top) Write(end + BlockHeader.SizeWord, Read(end + BlockHeader.SizeWord) & ~PrevFree);
        }
        _mediumUsedBytes += want - block;
        return true;
    }

    // Backs what growing block x from `block` to `want` bytes writes (and a free tail's header after it); with
    // CommitBlocks, the whole new part.
    private MemoryError CommitGrown(ulong x, ulong block, ulong want, bool tail)
    {
        ulong from = x + block, hi = x + want + (tail ? FreeBlock.Body : 0);
        if (!_commitBlocks)
        {
            ulong last = x + want - 16;
            if (last > from) from = last;
        }
        return _backing.Commit(new VirtualAddress(from), hi - from);
    }
}
