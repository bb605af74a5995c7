namespace MemOS.Memory.Heap;

// Pages in and out of the middle of the heap. Before the heap writes its own words (headers, links, footers) into a
// page, the backing commits that page, so a write never needs a fault that can fail: a carve that cannot be backed
// fails with nothing changed, and a free never needs a new frame (every block's first 48 bytes and last word were
// committed when it was carved, and merging writes only there). After a free, whole pages inside a large free block
// go back to the PMM (decommit), keeping the block's first and last words; trimming (`gc`) does it for every free
// block. A block carved from such space commits what it needs again.
public partial class HeapCore<TMemory>
{
    /// <summary>A free block this big gives its inner pages back at once; smaller ones wait for Trim
    /// (hysteresis).</summary>
    public const ulong DecommitAtOnce = 64 * 1024;

    private ulong _decommittedPages;

    /// <summary>Pages given back from inside free blocks since the heap was made (each decommit request
    /// counts).</summary>
    public ulong DecommittedPages => _decommittedPages;

    /// <summary>
    /// Commit what carving block [x, x + size) writes: from <paramref name="lo"/> (a free gap's first or last words
    /// before x) through the block's header (and slab header), its last word, and a free tail's header and links
    /// after it. With CommitBlocks, the whole block.
    /// </summary>
    private MemoryError CommitCarved(ulong lo, ulong x, ulong size, bool tail)
    {
        ulong hi = x + size + (tail ? FreeBlock.Body : 0);
        if (_commitBlocks) return _backing.Commit(new VirtualAddress(lo), hi - lo);
        MemoryError error = MemoryError.None;
        if (lo < x)
        {
            ulong gapEnd = lo + FreeBlock.Body < x ? lo + FreeBlock.Body : x;
            error = _backing.Commit(new VirtualAddress(lo), gapEnd - lo); // a gap's header and links
            if (error != MemoryError.None) return error;
            lo = x - FreeBlock.FooterBytes; // and its footer, just before x
        }
        error = _backing.Commit(new VirtualAddress(lo), x + MinBlock - lo);
        if (error != MemoryError.None) return error;
        ulong last = x + size - 16; // its footer once free, or its red zone
        return _backing.Commit(new VirtualAddress(last), hi - last);
    }

    /// <summary>Give back the whole pages of free block [x, x + size) past its links and before its footer.</summary>
    private void DecommitInterior(ulong x, ulong size)
    {
        if (_poison) return; // poison checks read free bodies
        ulong lo = (x + FreeBlock.Body + Page - 1) & ~(Page - 1);
        ulong hi = (x + size - FreeBlock.FooterBytes) & ~(Page - 1);
        if (hi <= lo) return;
        if (_backing.Decommit(new VirtualAddress(lo), hi - lo) == MemoryError.None)
            _decommittedPages += (hi - lo) / Page;
    }

    /// <summary>Decommit the inner pages of every free block (Trim): the lists are checked as they are
    /// walked.</summary>
    private void DecommitFreeBlocks()
    {
        ulong walked = 0, bound = FreeListBound;
        for (int bin = 0; bin < BinCount; bin++)
        {
            for (ulong f = _bins[bin]; f != 0; f = Read(f + FreeBlock.Next))
            {
                if (!IsFreeBlock(f) || ++walked > bound)
                {
                    Corrupt(f);
                    break;
                }
                DecommitInterior(f, Read(f + BlockHeader.SizeWord) & SizeMask);
            }
        }
    }
}
