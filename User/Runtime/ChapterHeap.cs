using System.Collections.Generic;

namespace MemOS.User.Runtime;

/// <summary>
/// The Osdev-Notes chapter's simple heap, as an option for programs that reproduce its examples (seedwalk): a
/// first-fit list of blocks over [base, base + size), every block a multiple of 16 bytes, split on allocation and
/// merged with free neighbours on free. Unlike the process heap its block records live outside the heap (a managed
/// list in the process heap), because the chapter counts no data-structure overhead: alloc(5) then alloc(10) on a
/// fresh heap at 0x10000 return 0x10000 and 0x10010, and nothing but the program's own writes touches the pages.
/// The caller maps the range (mmap) and decides its backing.
/// </summary>
public sealed class ChapterHeap
{
    public const ulong Granule = 16;

    private struct Block
    {
        public ulong Start, Size;
        public bool Used;
    }

    private readonly List<Block> _blocks = new();

    public ChapterHeap(ulong heapBase, ulong size)
    {
        Base = heapBase;
        Size = size & ~(Granule - 1);
        _blocks.Add(new Block { Start = heapBase, Size = Size });
    }

    public ulong Base { get; }

    public ulong Size { get; }

    /// <summary>The first free block that fits, split to the request
    /// rounded up to 16 bytes; 0 when none fits.</summary>
    public ulong Allocate(ulong size)
    {
        if (size == 0 || size > Size) return 0;
        ulong need = (size + Granule - 1) & ~(Granule - 1);
        for (int i = 0; i < _blocks.Count; i++)
        {
            Block b = _blocks[i];
            if (b.Used || b.Size < need) continue;
            if (b.Size > need) _blocks.Insert(i + 1, new Block { Start = b.Start + need, Size = b.Size - need });
            _blocks[i] = new Block { Start = b.Start, Size = need, Used = true };
            return b.Start;
        }
        return 0;
    }

    /// <summary>Frees a block Allocate returned, merging it with free
    /// neighbours; false for any other address.</summary>
    public bool Free(ulong address)
    {
        for (int i = 0; i < _blocks.Count; i++)
        {
            Block b = _blocks[i];
            if (b.Start != address) continue;
            if (!b.Used) return false;
            b.Used = false;
            if (i + 1 < _blocks.Count && !_blocks[i + 1].Used)
            {
                b.Size += _blocks[i + 1].Size;
                _blocks.RemoveAt(i + 1);
            }
            if (i > 0 && !_blocks[i - 1].Used)
            {
                Block prev = _blocks[i - 1];
                prev.Size += b.Size;
                _blocks[i - 1] = prev;
                _blocks.RemoveAt(i);
            }
            else _blocks[i] = b;
            return true;
        }
        return false;
    }

    /// <summary>Blocks in use.</summary>
    public int LiveBlocks
    {
        get
        {
            int n = 0;
            foreach (Block b in _blocks) if (b.Used) n++;
            return n;
        }
    }
}
