using System;
using MemOS.Memory.Tracing;

namespace MemOS.Memory.Heap;

// Growth and trimming at the heap's end: the heap asks its IHeapBacking (the VMM) for pages at End when a block
// is carved past it, in steps of at least the grow increment, and gives trailing pages back with hysteresis.
public partial class HeapCore<TMemory>
{
    /// <summary>
    /// Give back cached empty slabs, the inner pages of every free block and every trailing free page (malloc_trim).
    /// Not a hot path.
    /// </summary>
    public void Trim()
    {
        FlushCache();
        ReleaseEmptySlabs();
        DecommitFreeBlocks();
        ReleaseTrailing(0);
    }

    private MemoryError EnsureEnd(ulong needEnd)
    {
        if (needEnd <= _end) return MemoryError.None;
        ulong exact = (needEnd + Page - 1) & ~(Page - 1);
        ulong generous = Math.Min(Math.Max(exact, _end + _grow), _limit);
        if (MemoryTrace.On) MemoryTrace.Emit(MemoryEventKind.HeapGrew, _end, generous - _end);
        MemoryError error = _backing.Extend(new VirtualAddress(_end), generous - _end);
        if (error != MemoryError.None && generous != exact)
        {
            generous = exact;
            if (MemoryTrace.On) MemoryTrace.Emit(MemoryEventKind.HeapGrew, _end, exact - _end);
            error = _backing.Extend(new VirtualAddress(_end), exact - _end);
        }
        if (error != MemoryError.None) return error;
        _end = generous;
        return MemoryError.None;
    }

    /// <summary>
    /// Give trailing pages back once more than twice <paramref name="keep"/> is free past the top (hysteresis).
    /// </summary>
    private void ReleaseTrailing(ulong keep)
    {
        ulong used = (_top + Page - 1) & ~(Page - 1);
        if (_end <= used + 2 * keep) return;
        ulong newEnd = used + keep;
        if (MemoryTrace.On) MemoryTrace.Emit(MemoryEventKind.HeapShrank, newEnd, _end - newEnd);
        ForgetCommittedAbove(newEnd);
        if (_backing.Release(new VirtualAddress(newEnd), _end - newEnd) == MemoryError.None) _end = newEnd;
    }
}
