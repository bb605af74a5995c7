using MemOS.Memory.Tracing;

namespace MemOS.Memory.Heap;

// Medium blocks (and the carving every block kind shares): first fit over the free bins, else from the top;
// boundary tags (footer + PrevFree) let a freed block merge with both neighbours at once.
public partial class HeapCore<TMemory>
{
    private Result<VirtualAddress> AllocateMedium(ulong size, ulong alignment)
    {
        ulong kind = KindMedium, offset = 0, payload;
        if (size > _limit - _base) return Fail(MemoryError.OutOfMemory);
        if (size >= LargeThreshold)
        {
            kind = KindLarge;
            payload = LargePayload(size, ref alignment, ref offset);
        }
        else payload = (size + 15) & ~15UL;
        if (_redZones) payload += RedZoneBytes;

        ulong x = Carve(payload, alignment, offset, kind, out MemoryError error);
        if (x == 0) return Fail(error);
        ulong block = Read(x + BlockHeader.SizeWord) & SizeMask;
        ulong usable = UsableSize(block);
        if (_redZones)
            _memory.Fill(new VirtualAddress(x + HeaderSize + usable), HeapOptions.RedZoneByte, RedZoneBytes);
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
        if (!CanCoalesce(x, block, h & PrevFree)) return Corrupt(x);
        _mediumUsedBytes -= usable;
        _overheadBytes -= block - usable;
        _mediumLive--;
        Coalesce(x, block, h & PrevFree);
        return MemoryError.None;
    }

    /// <summary>Guard bytes after every block when red zones are on.</summary>
    private const ulong RedZoneBytes = 16;

    private ulong UsableSize(ulong block) => block - HeaderSize - (_redZones ? RedZoneBytes : 0);

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

        ulong found = FindFree(need, align, offset, lowest: kind == KindSlab || Sparse, out error);
        if (error != MemoryError.None) return 0;
        if (found != 0)
        {
            ulong f = found, fs = Read(f + BlockHeader.SizeWord) & SizeMask;
            ulong x = Place(f, align, offset);
            if (!CanBinRemove(f, fs) || (f + fs != _top && !IsBlockHeader(f + fs, Read(f + fs))))
            {
                error = Corrupt(f);
                return 0;
            }
            ulong end = f + fs, taken = end - (x + need) < MinBlock ? end - x : need;
            error = CommitCarved(x != f ? x - FreeBlock.FooterBytes : x, x, taken, taken != end - x);
            if (error != MemoryError.None) return 0;
            if (MemoryTrace.On) MemoryTrace.Emit(MemoryEventKind.HeapFoundFree, f, fs);
            TakeFrom(f, fs, x, need, kind);
            return x;
        }

        ulong at = Place(_top, align, offset);
        if (at + need > _limit || at + need < at) { error = MemoryError.OutOfMemory; return 0; }
        error = EnsureEnd(at + need);
        if (error != MemoryError.None) return 0;
        ulong gap = at - _top;
        error = CommitCarved(_top, at, need, false);
        if (error != MemoryError.None) return 0;
        if (gap != 0)
        {
            if (_poison) PoisonFreeBody(_top, gap);
            MakeFree(_top, gap);
        }
        WriteHeader(at, need | Used | kind | (gap != 0 ? PrevFree : 0));
        _top = at + need;
        if (MemoryTrace.On) MemoryTrace.Emit(MemoryEventKind.HeapCarved, at, need);
        return at;
    }

    /// <summary>
    /// More than half of the carved span is free (as after large blocks went): every block then takes the
    /// lowest-addressed free block that fits, as slabs always do, so what is made now and lives long packs at the
    /// heap's low end rather than staying behind as an island that pins pages in the middle (issue 8's drift).
    /// A dense heap keeps the cheaper first fit of the smallest bin.
    /// </summary>
    private bool Sparse => _binBytes > (_top - _base) / 2;

    /// <summary>
    /// A free block that can hold a block of <paramref name="need"/> bytes at the alignment, or 0: the first fit of
    /// the smallest bin that has one, or with <paramref name="lowest"/> the lowest-addressed fit of every bin.
    /// Links are followed only after checking them; a list that leads astray (or round) is reported in
    /// <paramref name="error"/>.
    /// </summary>
    private ulong FindFree(ulong need, ulong align, ulong offset, bool lowest, out MemoryError error)
    {
        error = MemoryError.None;
        ulong walked = 0, bound = FreeListBound, best = 0;
        for (int bin = NextBin(BinOf(need)); bin < BinCount; bin = NextBin(bin + 1))
        {
            for (ulong f = _bins[bin]; f != 0; f = Read(f + FreeBlock.Next))
            {
                if (!IsFreeBlock(f) || ++walked > bound)
                {
                    error = Corrupt(f);
                    return 0;
                }
                if (lowest && best != 0 && f > best) continue;
                ulong fs = Read(f + BlockHeader.SizeWord) & SizeMask;
                if (Place(f, align, offset) + need > f + fs) continue;
                if (!lowest) return f;
                best = f;
            }
        }
        return best;
    }

    /// <summary>
    /// Block address inside free space starting at f that meets the alignment, leaving no front gap smaller
    /// than a block.
    /// </summary>
    private static ulong Place(ulong f, ulong align, ulong offset)
    {
        ulong x = ((f + HeaderSize + offset + align - 1) & ~(align - 1)) - offset - HeaderSize;
        if (x != f && x - f < MinBlock) x += align; // align >= 32 here, so the gap becomes >= 48
        return x;
    }

    /// <summary>
    /// Carve [x, x + need) out of free block f: front gap and tail stay free unless too small to be blocks.
    /// </summary>
    private void TakeFrom(ulong f, ulong fs, ulong x, ulong need, ulong kind)
    {
        BinRemove(f, fs);
        ulong end = f + fs, gap = x - f, tail = end - (x + need);
        if (tail < MinBlock) { need += tail; tail = 0; }
        if (gap != 0) MakeFree(f, gap);
        WriteHeader(x, need | Used | kind | (gap != 0 ? PrevFree : 0));
        if (tail != 0)
        {
            MakeFree(x + need, tail);
            if (MemoryTrace.On) MemoryTrace.Emit(MemoryEventKind.HeapSplit, x + need, tail);
        }
        // A free block is never last before top, so `end` is a header.
        else Write(end + BlockHeader.SizeWord, Read(end + BlockHeader.SizeWord) & ~PrevFree);
    }

    /// <summary>
    /// Free [x, x + size): next into current, then current into previous, or into the top. The caller has checked the
    /// neighbours' links (CanCoalesce).
    /// </summary>
    private void Coalesce(ulong x, ulong size, ulong prevFree)
    {
        ulong absorbedNext = 0, absorbedSelf = 0;
        ulong next = x + size;
        if (next != _top)
        {
            ulong nh = Read(next + BlockHeader.SizeWord);
            if ((nh & Used) == 0)
            {
                ulong ns = nh & SizeMask;
                BinRemove(next, ns);
                size += ns;
                absorbedNext = next;
            }
            else Write(next + BlockHeader.SizeWord, nh | PrevFree);
        }
        if (prevFree != 0)
        {
            ulong ps = Read(x - FreeBlock.FooterBytes);
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
            if (MemoryTrace.On) MemoryTrace.Emit(MemoryEventKind.HeapIntoTop, x);
            ReleaseTrailing(_grow);
            return;
        }
        if (_poison) PoisonFreeBody(x, size);
        if (absorbedNext != 0) Bury(absorbedNext);
        if (absorbedSelf != 0) Bury(absorbedSelf);
        MakeFree(x, size);
        if (size >= DecommitAtOnce) DecommitInterior(x, size);
        if ((absorbedNext != 0 || absorbedSelf != 0) && MemoryTrace.On)
            MemoryTrace.Emit(MemoryEventKind.HeapCoalesced, x, size);
    }

    private void MakeFree(ulong x, ulong size)
    {
        WriteHeader(x, size); // its predecessor is never free: free neighbours are always merged
        Write(x + size - FreeBlock.FooterBytes, size);
        BinInsert(x, size);
    }

    /// <summary>Poison a free block between its links and its footer.</summary>
    private void PoisonFreeBody(ulong x, ulong size)
        => _memory.Fill(new VirtualAddress(x + FreeBlock.Body), HeapOptions.PoisonByte,
            size - FreeBlock.Body - FreeBlock.FooterBytes);
}
