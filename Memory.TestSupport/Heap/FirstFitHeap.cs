using System;

namespace MemOS.Memory.Heap;

/// <summary>
/// The heap the Osdev-Notes chapter "Memory Allocation" starts from, kept as the tests' and benchmarks' baseline:
/// one implicit list of blocks walked from the start, first fit, split, coalesce both neighbours. No slabs, no bins;
/// every operation is O(blocks).
/// </summary>
/// <remarks>Block = 16-byte header (size | used, then a check word) + payload. Grows at its end through
/// IHeapBacking.</remarks>
public sealed class FirstFitHeap
{
    private const ulong Used = 1, HeaderSize = 16, MinBlock = 32, Page = VirtualAddress.PageSize,
        Check0 = 0xF1F5_7F17_0000_0000;

    private readonly HeapMemory _memory;
    private readonly IHeapBacking _backing;
    private readonly ulong _base, _limit;
    private ulong _end;

    /// <summary>
    /// A first-fit heap over [heapBase, heapBase + maxSize); <paramref name="memory"/> null = raw pointers.
    /// </summary>
    public FirstFitHeap(IHeapWords? memory, IHeapBacking backing, VirtualAddress heapBase, ulong maxSize)
    {
        ArgumentNullException.ThrowIfNull(backing);
        if (!heapBase.IsPageAligned || heapBase.Value == 0 || maxSize == 0 || (maxSize & (Page - 1)) != 0)
            throw new ArgumentException("heap base and size must be non-zero and page aligned");
        _memory = new HeapMemory(memory);
        _backing = backing;
        _base = _end = heapBase.Value;
        _limit = heapBase.Value + maxSize;
    }

    /// <summary>Bytes obtained from the backing.</summary>
    public ulong HeapSize => _end - _base;

    /// <summary>First block that fits; grows the heap when none does.</summary>
    public Result<VirtualAddress> Allocate(ulong size)
    {
        if (size == 0 || size > _limit - _base)
            return Result<VirtualAddress>.Fail(size == 0 ? MemoryError.InvalidArgument : MemoryError.OutOfMemory);
        ulong need = Math.Max(MinBlock, ((size + 15) & ~15UL) + HeaderSize);
        ulong x = _base, last = 0;
        for (; x < _end; x += Read(x) & ~15UL)
        {
            ulong h = Read(x);
            last = x;
            if ((h & Used) == 0 && (h & ~15UL) >= need)
            {
                Split(x, h & ~15UL, need);
                return Result<VirtualAddress>.Success(new VirtualAddress(x + HeaderSize));
            }
        }
        // Grow: extend the trailing free block, or start a new one at the end.
        bool lastFree = last != 0 && (Read(last) & Used) == 0;
        ulong start = lastFree ? last : _end;
        ulong newEnd = (start + need + Page - 1) & ~(Page - 1);
        if (newEnd > _limit) return Result<VirtualAddress>.Fail(MemoryError.OutOfMemory);
        MemoryError error = _backing.Extend(new VirtualAddress(_end), newEnd - _end);
        if (error != MemoryError.None) return Result<VirtualAddress>.Fail(error);
        _end = newEnd;
        Split(start, newEnd - start, need);
        return Result<VirtualAddress>.Success(new VirtualAddress(start + HeaderSize));
    }

    /// <summary>Free by walking to the block (so any bad pointer is caught), merging with both neighbours.</summary>
    public MemoryError Free(VirtualAddress address)
    {
        ulong target = address.Value - HeaderSize, prev = 0;
        if ((address.Value & 15) != 0) return MemoryError.Misaligned;
        for (ulong x = _base; x < _end; prev = x, x += Read(x) & ~15UL)
        {
            if (x < target) continue;
            if (x != target) return MemoryError.BadPointer;
            ulong h = Read(x);
            if ((h & Used) == 0) return MemoryError.DoubleFree;
            ulong size = h & ~15UL, next = x + size;
            if (next < _end && (Read(next) & Used) == 0) size += Read(next) & ~15UL;
            if (prev != 0 && (Read(prev) & Used) == 0) { size += Read(prev) & ~15UL; x = prev; }
            WriteHeader(x, size);
            return MemoryError.None;
        }
        return MemoryError.BadPointer;
    }

    /// <summary>Blocks tile the heap with consistent headers and no two adjacent free blocks.</summary>
    public MemoryError Check()
    {
        bool prevFree = false;
        ulong x = _base;
        while (x < _end)
        {
            ulong h = Read(x), size = h & ~15UL;
            if (size < MinBlock || size > _end - x || Read(x + 8) != (Check0 ^ x ^ h)) return MemoryError.HeapCorrupted;
            bool free = (h & Used) == 0;
            if (free && prevFree) return MemoryError.HeapCorrupted;
            prevFree = free;
            x += size;
        }
        return x == _end ? MemoryError.None : MemoryError.HeapCorrupted;
    }

    private void Split(ulong x, ulong size, ulong need)
    {
        if (size - need >= MinBlock)
        {
            WriteHeader(x + need, size - need);
            size = need;
        }
        WriteHeader(x, size | Used);
    }

    private ulong Read(ulong a) => _memory.Read64(new VirtualAddress(a));

    private void WriteHeader(ulong x, ulong h)
    {
        _memory.Write64(new VirtualAddress(x), h);
        _memory.Write64(new VirtualAddress(x + 8), Check0 ^ x ^ h);
    }
}
