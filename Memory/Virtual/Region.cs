using MemOS.Memory.Paging;

namespace MemOS.Memory.Virtual;

/// <summary>
/// A named, page-aligned range of an address space with one set of permissions, and what backs each part of it
/// (immediate, demand, MMIO: one part unless the policy changed while it grew). Its pages appear in the page table
/// as the backing dictates; ResidentPages counts those present now. Only the AddressSpace changes a region.
/// </summary>
public sealed class Region
{
    /// <summary>
    /// Most backing changes one region records (a policy switch per growth, at most): growth past it fails with
    /// NoSpace rather than allocate on the growth path.
    /// </summary>
    public const int MaxParts = 32;

    // Part i covers [Base + _partStart[i], Base + _partStart[i + 1]) (the last one up to End) and is backed by
    // _partBacking[i]. Written only by AddressSpace, like Length and ResidentPages.
    private readonly ulong[] _partStart = new ulong[MaxParts];
    private readonly RegionBacking[] _partBacking = new RegionBacking[MaxParts];
    private int _parts;

    internal Region(AddressSpace owner, string name, VirtualAddress baseAddress, ulong length, RegionFlags flags,
        RegionBacking backing, PhysicalAddress mmioBase)
    {
        Owner = owner;
        Name = name;
        Base = baseAddress;
        Length = length;
        Flags = flags;
        MmioBase = mmioBase;
        _partBacking[0] = backing;
        _parts = 1;
    }

    public AddressSpace Owner { get; }
    public string Name { get; }
    public VirtualAddress Base { get; }

    /// <summary>Bytes, a multiple of 4 KiB; changes with Grow/Shrink.</summary>
    public ulong Length { get; internal set; }

    public RegionFlags Flags { get; }

    /// <summary>A device range: its pages map fixed physical memory, never freed, never faulted in.</summary>
    public bool IsMmio => _partBacking[0] == RegionBacking.Mmio;

    /// <summary>How many runs of one backing the region has (1 unless the policy changed while it grew).</summary>
    public int PartCount => _parts;

    /// <summary>The <paramref name="index"/>th run of one backing, in address order.</summary>
    public RegionPart Part(int index)
    {
        ulong start = _partStart[index];
        ulong end = index + 1 < _parts ? _partStart[index + 1] : Length;
        return new RegionPart(Base + start, end - start, _partBacking[index]);
    }

    /// <summary>What backs the page at <paramref name="address"/> (the last part's backing at or past End).</summary>
    public RegionBacking BackingAt(VirtualAddress address)
    {
        ulong offset = address.Value - Base.Value;
        int i = _parts - 1;
        while (i > 0 && _partStart[i] > offset) i--;
        return _partBacking[i];
    }

    /// <summary>"immediate", or each part's backing joined with '+' in address order ("immediate+demand").</summary>
    public string DescribeBacking()
    {
        if (_parts == 1) return _partBacking[0].Describe();
        string text = _partBacking[0].Describe();
        for (int i = 1; i < _parts; i++) text += "+" + _partBacking[i].Describe();
        return text;
    }

    /// <summary>
    /// Record that the pages from the current end on are backed by <paramref name="backing"/>. False when the
    /// region already has <see cref="MaxParts"/> parts. No allocation.
    /// </summary>
    internal bool BackFromEnd(RegionBacking backing)
    {
        int last = _parts - 1;
        if (_partBacking[last] == backing) return true;
        if (_partStart[last] == Length)
        {
            // the last part is empty: it takes the new backing (and merges with the one before if that matches)
            if (last > 0 && _partBacking[last - 1] == backing) _parts--;
            else _partBacking[last] = backing;
            return true;
        }
        if (_parts == MaxParts) return false;
        _partStart[_parts] = Length;
        _partBacking[_parts] = backing;
        _parts++;
        return true;
    }

    /// <summary>Forget the parts that lie wholly past a new, shorter length.</summary>
    internal void TrimParts(ulong length)
    {
        while (_parts > 1 && _partStart[_parts - 1] >= length && _partStart[_parts - 1] > 0) _parts--;
    }

    /// <summary>First physical address of an MMIO region.</summary>
    public PhysicalAddress MmioBase { get; }

    /// <summary>Pages present in the page table (private frames and zero-page mappings alike).</summary>
    public ulong ResidentPages { get; internal set; }

    /// <summary>
    /// Unmapped pages committed with a charge (a frame the PMM keeps for their first touch; see AddressSpace.Commit).
    /// </summary>
    public ulong ChargedPages { get; internal set; }

    /// <summary>First address after the region.</summary>
    public VirtualAddress End => Base + Length;

    public bool Contains(VirtualAddress address) => address.Value - Base.Value < Length;

    public bool IsWritable => (Flags & RegionFlags.Write) != 0;
    public bool IsExecutable => (Flags & RegionFlags.Execute) != 0;
    public bool IsUser => (Flags & RegionFlags.User) != 0;

    /// <summary>
    /// The page-table flags this region's pages get: P, W if writable, U if user, NX unless executable; for MMIO
    /// uncached (PCD+PWT, PAT entry 3), or PWT alone (PAT entry 1, write-combining once the kernel has set it).
    /// </summary>
    public PageFlags PageFlags
    {
        get
        {
            var flags = PageFlags.Present;
            if (IsWritable) flags |= PageFlags.Writable;
            if (IsUser) flags |= PageFlags.User;
            if (!IsExecutable) flags |= PageFlags.NoExecute;
            if (IsMmio)
                flags |= (Flags & RegionFlags.WriteCombining) != 0 ? PageFlags.WriteThrough
                    : PageFlags.CacheDisable | PageFlags.WriteThrough;
            return flags;
        }
    }

    /// <summary>"base-end rwxu backing resident name", one /proc/PID/maps style line. Reporting: allocates.</summary>
    public override string ToString()
        => Base + "-" + End + " "
           + ((Flags & RegionFlags.Read) != 0 ? "r" : "-") + (IsWritable ? "w" : "-")
           + (IsExecutable ? "x" : "-") + (IsUser ? "u" : "-")
           + " " + DescribeBacking() + " " + ResidentPages + "/" + (Length / VirtualAddress.PageSize) + " " + Name;
}
