namespace MemOS.Memory.Virtual;

/// <summary>
/// A heap's pages from one VMM region: Extend grows the region at its end, Release shrinks it.
/// Immediate or demand backing follows the address space's policy at the time of each growth, unless the backing
/// fixes one (the kernel heap is always backed at once: `mode` governs user memory).
/// </summary>
public sealed class RegionHeapBacking : IHeapBacking
{
    private readonly AddressSpace _space;
    private readonly RegionBacking? _policy;

    public RegionHeapBacking(AddressSpace space, Region region, RegionBacking? policy = null)
    {
        _space = space;
        Region = region;
        _policy = policy;
    }

    public Region Region { get; }

    /// <summary>Make [start, start + length) usable; start must be the region's end.</summary>
    public MemoryError Extend(VirtualAddress start, ulong length)
        => start != Region.End ? MemoryError.InvalidArgument : _space.Grow(Region, length, _policy);

    /// <summary>Unmap [start, start + length); it must end at the region's end.</summary>
    public MemoryError Release(VirtualAddress start, ulong length)
    {
        if (start.Value < Region.Base.Value || length > Region.End.Value - start.Value
            || start.Value + length != Region.End.Value)
            return MemoryError.InvalidArgument;
        return _space.Shrink(Region, length);
    }

    /// <summary>
    /// Heap metadata is about to be written to [start, start + length): back its pages, or charge the demand ones
    /// (AddressSpace.Commit).
    /// </summary>
    public MemoryError Commit(VirtualAddress start, ulong length) => _space.Commit(Region, start, length);

    /// <summary>Return the frames of whole free pages inside the heap, keeping the addresses.</summary>
    public MemoryError Decommit(VirtualAddress start, ulong length) => _space.Decommit(Region, start, length);
}
