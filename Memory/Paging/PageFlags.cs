using System;

namespace MemOS.Memory.Paging;

/// <summary>The x86_64 page-table entry flag bits (the same bits at every level; HugePage is PS).</summary>
[Flags]
public enum PageFlags : ulong
{
    None = 0,
    Present = 1UL << 0,
    Writable = 1UL << 1,
    User = 1UL << 2,
    WriteThrough = 1UL << 3,
    CacheDisable = 1UL << 4,
    Accessed = 1UL << 5,
    Dirty = 1UL << 6,
    HugePage = 1UL << 7,
    Global = 1UL << 8,
    NoExecute = 1UL << 63,
}
