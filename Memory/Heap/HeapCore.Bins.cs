using System.Numerics;
using System.Runtime.CompilerServices;

namespace MemOS.Memory.Heap;

// The free bins of medium blocks: 128 doubly linked lists (4 per power of two from 32 B), linked through the
// free blocks themselves (FreeBlock.Next/Prev), and a 128-bit map of the non-empty ones.
public partial class HeapCore<TMemory>
{
    private const int BinCount = 128;
    private readonly ulong[] _bins = new ulong[BinCount];
    private ulong _binMap0, _binMap1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
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
        Write(x + FreeBlock.Next, head);
        Write(x + FreeBlock.Prev, 0);
        if (head != 0) Write(head + FreeBlock.Prev, x);
        _bins[bin] = x;
        if (bin < 64) _binMap0 |= 1UL << bin; else _binMap1 |= 1UL << (bin - 64);
        _binBytes += size;
    }

    private void BinRemove(ulong x, ulong size)
    {
        int bin = BinOf(size);
        ulong next = Read(x + FreeBlock.Next), prev = Read(x + FreeBlock.Prev);
        if (prev != 0) Write(prev + FreeBlock.Next, next);
        else
        {
            _bins[bin] = next;
            if (next == 0)
            {
                if (bin < 64) _binMap0 &= ~(1UL << bin); else _binMap1 &= ~(1UL << (bin - 64));
            }
        }
        if (next != 0) Write(next + FreeBlock.Prev, prev);
        _binBytes -= size;
    }

    private bool BinMapped(int bin) => bin < 64 ? (_binMap0 & (1UL << bin)) != 0
        : (_binMap1 & (1UL << (bin - 64))) != 0;
}
