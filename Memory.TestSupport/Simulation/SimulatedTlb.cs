using System;

namespace MemOS.Memory.Simulation;

/// <summary>
/// The simulated machine's TLB: a direct-mapped cache of the last translation per page with its effective
/// rights, dropped on every invalidation Memory/ asks for. Counts invalidations, hits and misses.
/// </summary>
public sealed class SimulatedTlb : ITlb
{
    public const int Entries = 256;
    internal const byte Writable = 1, User = 2, NoExecute = 4, Dirty = 8;

    private readonly ulong[] _tags = new ulong[Entries]; // page number + 1; 0 = empty slot
    private readonly ulong[] _frames = new ulong[Entries];
    private readonly byte[] _rights = new byte[Entries];

    public long PageInvalidations { get; private set; }
    public long FullInvalidations { get; private set; }
    public long Hits { get; internal set; }
    public long Misses { get; internal set; }

    public void Invalidate(VirtualAddress page)
    {
        PageInvalidations++;
        ulong vpn = page.Value >> 12;
        int slot = (int)(vpn % Entries);
        if (_tags[slot] == vpn + 1) _tags[slot] = 0;
    }

    public void InvalidateAll()
    {
        FullInvalidations++;
        Flush();
    }

    /// <summary>Drop everything without counting an invalidation (CR3 load, control-register change).</summary>
    internal void Flush() => Array.Clear(_tags);

    internal bool TryLookup(ulong vpn, out ulong frame, out byte rights)
    {
        int slot = (int)(vpn % Entries);
        frame = _frames[slot];
        rights = _rights[slot];
        return _tags[slot] == vpn + 1;
    }

    internal void Insert(ulong vpn, ulong frame, byte rights)
    {
        int slot = (int)(vpn % Entries);
        _tags[slot] = vpn + 1;
        _frames[slot] = frame;
        _rights[slot] = rights;
    }
}
