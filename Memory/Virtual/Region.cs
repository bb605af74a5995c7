using MemOS.Memory.Paging;

namespace MemOS.Memory.Virtual;

/// <summary>
/// A named, page-aligned range of an address space with one set of permissions and a backing policy.
/// Its pages appear in the page table as the backing dictates; ResidentPages counts those present now.
/// </summary>
public sealed class Region
{
    internal Region(AddressSpace owner, string name, VirtualAddress baseAddress, ulong length, RegionFlags flags,
        RegionBacking backing, PhysicalAddress mmioBase)
    {
        Owner = owner;
        Name = name;
        Base = baseAddress;
        Length = length;
        Flags = flags;
        Backing = backing;
        MmioBase = mmioBase;
    }

    public AddressSpace Owner { get; }
    public string Name { get; }
    public VirtualAddress Base { get; }

    /// <summary>Bytes, a multiple of 4 KiB; changes with Grow/Shrink.</summary>
    public ulong Length { get; internal set; }

    public RegionFlags Flags { get; }

    /// <summary>
    /// The policy the region was created with (pages added by Grow follow the policy current at that time).
    /// </summary>
    public RegionBacking Backing { get; }

    /// <summary>First physical address of an MMIO region.</summary>
    public PhysicalAddress MmioBase { get; }

    /// <summary>Pages present in the page table (private frames and zero-page mappings alike).</summary>
    public ulong ResidentPages { get; internal set; }

    /// <summary>First address after the region.</summary>
    public VirtualAddress End => Base + Length;

    public bool Contains(VirtualAddress address) => address.Value - Base.Value < Length;

    public bool IsWritable => (Flags & RegionFlags.Write) != 0;
    public bool IsExecutable => (Flags & RegionFlags.Execute) != 0;
    public bool IsUser => (Flags & RegionFlags.User) != 0;

    /// <summary>
    /// The page-table flags this region's pages get: P, W if writable, U if user, NX unless executable, uncached for
    /// MMIO.
    /// </summary>
    public PageFlags PageFlags
    {
        get
        {
            var flags = PageFlags.Present;
            if (IsWritable) flags |= PageFlags.Writable;
            if (IsUser) flags |= PageFlags.User;
            if (!IsExecutable) flags |= PageFlags.NoExecute;
            if (Backing == RegionBacking.Mmio) flags |= PageFlags.CacheDisable | PageFlags.WriteThrough;
            return flags;
        }
    }

    /// <summary>"base-end rwxu backing resident name", one /proc/PID/maps style line. Reporting: allocates.</summary>
    public override string ToString()
        => Base + "-" + End + " "
           + ((Flags & RegionFlags.Read) != 0 ? "r" : "-") + (IsWritable ? "w" : "-")
           + (IsExecutable ? "x" : "-") + (IsUser ? "u" : "-")
           + " " + Backing.Describe() + " " + ResidentPages + "/" + (Length / VirtualAddress.PageSize) + " " + Name;
}
