namespace MemOS.Memory.Paging;

/// <summary>
/// One raw 64-bit paging-structure entry and the x86_64 rules for reading it: flags, the address field
/// (masked by the physical-address width) and the reserved bits the CPU checks.
/// </summary>
public readonly record struct PageTableEntry(ulong Raw)
{
    /// <summary>Every bit PageFlags names.</summary>
    public const ulong FlagMask = 0x1FFUL | (1UL << 63);

    public bool IsPresent => (Raw & (ulong)PageFlags.Present) != 0;
    public bool IsHuge => (Raw & (ulong)PageFlags.HugePage) != 0;
    public PageFlags Flags => (PageFlags)(Raw & FlagMask);

    /// <summary>
    /// The physical address field (a table, a 4 KiB frame, or a 2 MiB / 1 GiB page base with the PAT bit masked off).
    /// </summary>
    public PhysicalAddress Address(ulong addressMask) => new(Raw & addressMask);

    public static PageTableEntry Create(PhysicalAddress address, PageFlags flags) => new(address.Value | (ulong)flags);

    /// <summary>Bits 12..(width-1): the address field for a physical-address width.</summary>
    public static ulong AddressMask(int physicalAddressBits)
        => ((physicalAddressBits >= 64 ? ulong.MaxValue : (1UL << physicalAddressBits) - 1)) & ~0xFFFUL;

    /// <summary>
    /// The reserved bits set in a PRESENT entry at a level (0 = none), as the CPU checks them:
    /// address bits above the width (up to bit 51), NX without EFER.NXE, PS in a PML4E, and the
    /// must-be-zero address bits of a huge page (13..20 for 2 MiB, 13..29 for 1 GiB).
    /// </summary>
    public static ulong ReservedBits(ulong raw, PageTableLevel level, int physicalAddressBits, bool noExecuteEnabled)
    {
        ulong widthMask = AddressMask(physicalAddressBits) | ~((1UL << 52) - 1) | 0xFFFUL;
        ulong reserved = raw & ~widthMask;
        if (!noExecuteEnabled) reserved |= raw & (ulong)PageFlags.NoExecute;
        bool huge = (raw & (ulong)PageFlags.HugePage) != 0;
        if (level == PageTableLevel.PML4) reserved |= raw & (ulong)PageFlags.HugePage;
        else if (level == PageTableLevel.PD && huge) reserved |= raw & 0x1F_E000UL;
        else if (level == PageTableLevel.PDPT && huge) reserved |= raw & 0x3FFF_E000UL;
        return reserved;
    }

    public override string ToString() => "0x" + Raw.ToString("x16") + " " + PageFlagsText.Describe(Flags);
}
