namespace MemOS.Memory.Virtual;

/// <summary>
/// A run of a region's pages with one backing: a region created under one policy and grown under another has
/// several, in address order.
/// </summary>
public readonly record struct RegionPart(VirtualAddress Base, ulong Length, RegionBacking Backing)
{
    public VirtualAddress End => Base + Length;
}
