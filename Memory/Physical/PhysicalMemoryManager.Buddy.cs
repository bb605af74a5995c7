using System;
using System.Numerics;
using MemOS.Memory.Tracing;

namespace MemOS.Memory.Physical;

// The buddy layer: free lists of naturally aligned 2^order runs kept inside the free frames themselves, and the
// bitmap under them. Split a larger block on allocation, merge with the free buddy on release. The hot path.
public sealed partial class PhysicalMemoryManager
{
    private Result<PhysicalAddress> Allocate(int order, FrameUsage usage)
    {
        if (order == 0) return TakeCached(usage);
        int orderMask = ~((1 << order) - 1);
        for (int zi = 0; zi < _zones.Length; zi++)
        {
            int mask = _zones[zi].NonEmpty & orderMask;
            while (mask == 0 && CarveFresh(zi)) mask = _zones[zi].NonEmpty & orderMask;
            if (mask == 0) continue;
            int j = BitOperations.TrailingZeroCount(mask);
            return Take(zi, _heads[zi * Orders + j], j, order, usage);
        }
        // Cached single frames may complete a larger block once merged back.
        if (DrainFrameCache() > 0) return Allocate(order, usage);
        return Result<PhysicalAddress>.Fail(MemoryError.OutOfMemory);
    }

    // Unlinks free block (frame, j), returns its upper halves to the lists until it is of the wanted order, and hands
    // it out.
    private Result<PhysicalAddress> Take(int zi, ulong frame, int j, int order, FrameUsage usage)
    {
        if (!ChargedFramesUntouched(order)) return Result<PhysicalAddress>.Fail(MemoryError.OutOfMemory);
        Remove(zi, frame, j);
        while (j > order)
        {
            j--;
            Push(zi, frame + (1UL << j), j);
        }
        ref Zone z = ref _zones[zi];
        ulong idx = z.Meta + frame - z.Start;
        int run = 1 << order;
        SetBits(idx, (ulong)run, true);
        _refs.AsSpan((int)idx, run).Fill(1);
        _tags.AsSpan((int)idx, run).Fill((byte)usage);
        _tags[idx] = Tag(usage, order);
        z.FreeFrames -= (ulong)run;
        _freeFrames -= (ulong)run;
        _usedFrames += (ulong)run;
        var taken = PhysicalAddress.FromFrame(frame);
        if (MemoryTrace.On)
            MemoryTrace.Emit(MemoryEventKind.FrameTaken, frame: taken.Value, value: (ulong)usage, detail: (uint)order);
        return Result<PhysicalAddress>.Success(taken);
    }

    // Marks a run free and merges it with its buddy while the buddy is a free block of the same order. A single
    // frame goes to the frame cache instead.
    private void Release(int zi, ulong frame, int order)
    {
        if (order == 0)
        {
            CacheFrame(zi, frame);
            return;
        }
        ref Zone z = ref _zones[zi];
        ulong idx = z.Meta + frame - z.Start;
        int run = 1 << order;
        SetBits(idx, (ulong)run, false);
        _refs.AsSpan((int)idx, run).Fill(0);
        _tags.AsSpan((int)idx, run).Fill((byte)FrameUsage.Free);
        z.FreeFrames += (ulong)run;
        _freeFrames += (ulong)run;
        _usedFrames -= (ulong)run;
        if (MemoryTrace.On)
            MemoryTrace.Emit(MemoryEventKind.FrameFreed, frame: PhysicalAddress.FromFrame(frame).Value,
                detail: (uint)order);
        Merge(zi, frame, order);
    }

    // Pushes free run (frame, order) to its list after merging it with its free buddies, order by order.
    private void Merge(int zi, ulong frame, int order)
    {
        ref Zone z = ref _zones[zi];
        while (order < MaxOrder)
        {
            ulong size = 1UL << order;
            ulong buddy = frame ^ size;
            if (buddy < z.Start || buddy + size > z.End) break;
            if (_tags[z.Meta + buddy - z.Start] != Tag(FrameUsage.Free, order)) break;
            Remove(zi, buddy, order);
            if (buddy < frame) frame = buddy;
            order++;
        }
        Push(zi, frame, order);
    }

    private void Push(int zi, ulong frame, int order)
    {
        ref Zone z = ref _zones[zi];
        int h = zi * Orders + order;
        ulong head = _heads[h];
        var at = PhysicalAddress.FromFrame(frame);
        _memory.Write64(at, head);
        _memory.Write64(at + 8, Null);
        _memory.Write64(at + 16, Magic(frame, order));
        if (head != Null) _memory.Write64(PhysicalAddress.FromFrame(head) + 8, frame);
        _heads[h] = frame;
        z.NonEmpty |= 1 << order;
        _tags[z.Meta + frame - z.Start] = Tag(FrameUsage.Free, order);
        _freeBlocks[order]++;
    }

    private void Remove(int zi, ulong frame, int order)
    {
        ref Zone z = ref _zones[zi];
        int h = zi * Orders + order;
        var at = PhysicalAddress.FromFrame(frame);
        ulong next = _memory.Read64(at), prev = _memory.Read64(at + 8);
        if (prev == Null) _heads[h] = next;
        else _memory.Write64(PhysicalAddress.FromFrame(prev), next);
        if (next != Null) _memory.Write64(PhysicalAddress.FromFrame(next) + 8, prev);
        if (_heads[h] == Null) z.NonEmpty &= ~(1 << order);
        _memory.Write64(at + 16, 0);
        _tags[z.Meta + frame - z.Start] = (byte)FrameUsage.Free;
        _freeBlocks[order]--;
    }

    private void SetBits(ulong idx, ulong count, bool used)
    {
        while (count > 0)
        {
            int bit = (int)(idx & 63);
            int n = (int)Math.Min(64UL - (ulong)bit, count);
            ulong mask = n == 64 ? ulong.MaxValue : ((1UL << n) - 1) << bit;
            if (used) _bitmap[idx >> 6] |= mask;
            else _bitmap[idx >> 6] &= ~mask;
            idx += (ulong)n;
            count -= (ulong)n;
        }
    }

    private bool IsUsedBit(ulong idx) => (_bitmap[idx >> 6] & (1UL << (int)(idx & 63))) != 0;

    private static byte Tag(FrameUsage usage, int headOrder) => (byte)((int)usage | ((headOrder + 1) << 4));
    private static int HeadOrder(byte tag) => (tag >> 4) - 1;
    private static ulong Magic(ulong frame, int order) => FreeMagic ^ frame ^ ((ulong)order << 56);
}
