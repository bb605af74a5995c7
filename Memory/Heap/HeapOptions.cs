namespace MemOS.Memory.Heap;

/// <summary>Tuning and debugging switches of a heap, fixed at construction.</summary>
public readonly record struct HeapOptions
{
    /// <summary>Fill freed memory with <see cref="PoisonByte"/>; Check() reports a write after free.</summary>
    public bool Poison { get; init; }

    /// <summary>
    /// Guard bytes after every block (all allocations then take the medium path); checked on free and by Check().
    /// </summary>
    public bool RedZones { get; init; }

    /// <summary>
    /// Smallest step the heap grows by (page multiple; 0 = <see cref="DefaultGrowIncrement"/>, 16 KiB). Trailing
    /// free space beyond twice this is given back.
    /// </summary>
    public ulong GrowIncrement { get; init; }

    /// <summary>
    /// Back every page of a block when it is carved (the kernel heap: kernel code writes its blocks directly and must
    /// never take a fault that can fail). Otherwise only the words the heap itself writes (headers, links, footers)
    /// are backed before use, and payload pages stay as the backing made them (demand pages for a user heap).
    /// </summary>
    public bool CommitBlocks { get; init; }

    /// <summary>
    /// Keep no freed medium block for reuse (HeapCore.MediumCache.cs): every free merges with its free neighbours at
    /// once. For tests of the bins and merging; the cache is on otherwise (off anyway with Poison or RedZones).
    /// </summary>
    public bool NoBlockCache { get; init; }

    /// <summary>
    /// Mixed into the seal secret (the kernel passes a value read at boot) so whoever can write the heap's words
    /// cannot compute a valid header.
    /// </summary>
    public ulong SealSeed { get; init; }

    public const byte PoisonByte = 0xDD;
    public const byte RedZoneByte = 0xFD;
    public const ulong DefaultGrowIncrement = 16 * 1024;
}
