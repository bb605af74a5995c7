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
    /// <summary>
    /// MMIO only: map write-combining rather than uncached, through PAT entry 1 (PWT set, PCD clear), which the kernel
    /// sets to WC at boot when the CPU has PAT (<see cref="Region.PageFlags"/>). For memory that is only written, in
    /// big runs: a framebuffer.
    /// </summary>
    WriteCombining = 16,
}
