using System.Collections.Generic;

namespace MemOS.Kernel.Shell;

/// <summary>
/// The blocks of one heap the shell handed out (address → size asked), and the ones it took back, so freeing one
/// again is named a double free even when a managed object of the kernel has taken the space since. The freed
/// ones are forgotten past a bound.
/// </summary>
internal sealed class LiveBlocks
{
    private const int FreedMemory = 1024;
    private readonly Dictionary<ulong, ulong> _live = new();
    private readonly HashSet<ulong> _freed = new();

    public bool IsLive(ulong address) => _live.ContainsKey(address);

    public bool WasFreed(ulong address) => _freed.Contains(address);

    public void Allocated(ulong address, ulong size)
    {
        _live[address] = size;
        _freed.Remove(address);
    }

    public void Freed(ulong address)
    {
        _live.Remove(address);
        if (_freed.Count >= FreedMemory) _freed.Clear();
        _freed.Add(address);
    }

    /// <summary>Whether [address, address + width) lies inside one live block.</summary>
    public bool Contains(ulong address, ulong width)
    {
        foreach (KeyValuePair<ulong, ulong> block in _live)
            if (address >= block.Key && address - block.Key < block.Value && width <= block.Key + block.Value - address)
                return true;
        return false;
    }
}
