namespace MemOS.Memory.Physical;

/// <summary>
/// Where a contiguous run may lie: below a limit (e.g. 4 GiB for 32-bit DMA) and on an alignment (a power of
/// two, at least 4 KiB). The default means "anywhere, naturally aligned".
/// </summary>
public readonly record struct FrameConstraints(PhysicalAddress Limit, ulong Alignment)
{
    /// <summary>No limit, natural (block-size) alignment.</summary>
    public static FrameConstraints None => default;

    /// <summary>The whole run below 4 GiB.</summary>
    public static FrameConstraints Below4GiB => new(new PhysicalAddress(1UL << 32), 0);

    /// <summary>Exclusive upper bound of the run's last byte + 1; 0 means no limit.</summary>
    public bool HasLimit => Limit.Value != 0;

    public static FrameConstraints Below(PhysicalAddress limit) => new(limit, 0);
    public static FrameConstraints Aligned(ulong alignment) => new(default, alignment);
}
