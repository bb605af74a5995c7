namespace MemOS.Memory.Virtual;

/// <summary>
/// A heap's pages from one VMM region: Extend grows the region at its end, Release shrinks it.
/// Immediate or demand backing follows the address space's policy at the time of each growth.
/// </summary>
public sealed class RegionHeapBacking : IHeapBacking
{
    private readonly AddressSpace _space;

    public RegionHeapBacking(AddressSpace space, Region region)
    {
        _space = space;
        Region = region;
    }

    public Region Region { get; }

    /// <summary>Make [start, start + length) usable; start must be the region's end.</summary>
    public MemoryError Extend(VirtualAddress start, ulong length)
        => start != Region.End ? MemoryError.InvalidArgument : _space.Grow(Region, length);

    /// <summary>Unmap [start, start + length); it must end at the region's end.</summary>
    public MemoryError Release(VirtualAddress start, ulong length)
    {
        if (start.Value < Region.Base.Value || length > Region.End.Value - start.Value
            || start.Value + length != Region.End.Value)
            return MemoryError.InvalidArgument;
        return _space.Shrink(Region, length);
    }
}
