using System.Collections.Generic;

namespace MemOS.Kernel.Shell;

/// <summary>
/// The blocks of one heap the shell handed out (address → size asked), and the last <see cref="FreedMemory"/> it
/// took back, so freeing one again is named a double free even when a managed object of the kernel has taken the
/// space since.
/// </summary>
/// <remarks>
/// Addresses are kept hidden (complemented, as the Boehm collector's GC_HIDE_POINTER does): under the conservative
/// collector a freed block's address kept in the clear made whatever object the heap later put there look
/// referenced, so garbage stayed alive on pages all over the heap after the 20,000 command soak (docs/heap.md, "What
/// holds the pages"). The precise collector does not scan these ulong arrays, but it still reads stacks
/// conservatively, where copies of the words land. The table of live blocks is cut back once it is mostly empty,
/// and the freed ones sit in a fixed ring, so a burst of `alloc` leaves no peak-sized table behind.
/// </remarks>
internal sealed class LiveBlocks
{
    private const int FreedMemory = 1024;
    private Dictionary<ulong, ulong> _live = new(); // ~address -> size
    private ulong[]? _freed;                        // ~address of the last FreedMemory frees, 0 = empty slot
    private int _freedNext;
    private int _livePeak;

    private static ulong Hide(ulong address) => ~address;

    public bool IsLive(ulong address) => _live.ContainsKey(Hide(address));

    public bool WasFreed(ulong address) => FreedSlot(Hide(address)) >= 0;

    public void Allocated(ulong address, ulong size)
    {
        ulong key = Hide(address);
        _live[key] = size;
        if (_live.Count > _livePeak) _livePeak = _live.Count;
        for (int i; (i = FreedSlot(key)) >= 0;) _freed![i] = 0;
    }

    public void Freed(ulong address)
    {
        ulong key = Hide(address);
        _live.Remove(key);
        // Hysteresis: a new, smaller table once at most a quarter of the peak since the last cut is live.
        if (_livePeak >= 64 && _live.Count * 4 <= _livePeak)
        {
            _live = new Dictionary<ulong, ulong>(_live);
            _livePeak = _live.Count;
        }
        _freed ??= new ulong[FreedMemory];
        _freed[_freedNext] = key;
        _freedNext = (_freedNext + 1) % FreedMemory;
    }

    /// <summary>Whether [address, address + width) lies inside one live block.</summary>
    public bool Contains(ulong address, ulong width)
    {
        foreach (KeyValuePair<ulong, ulong> block in _live)
        {
            ulong start = Hide(block.Key);
            if (address >= start && address - start < block.Value && width <= start + block.Value - address)
                return true;
        }
        return false;
    }

    private int FreedSlot(ulong key)
    {
        if (_freed == null) return -1;
        for (int i = 0; i < FreedMemory; i++)
            if (_freed[i] == key) return i;
        return -1;
    }
}
