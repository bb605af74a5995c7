using System;

namespace MemOS.Memory.Virtual;

/// <summary>
/// What a region allows. x86 cannot make a present page unreadable, so Read is implied by any mapping.
/// </summary>
[Flags]
public enum RegionFlags : byte
{
    None = 0,
    Read = 1,
    Write = 2,
    Execute = 4,
    User = 8,
}
