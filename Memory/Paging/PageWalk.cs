using System.Collections.Generic;
using System.Text;

namespace MemOS.Memory.Paging;

/// <summary>Where and why a page walk stopped.</summary>
public enum PageWalkStop : byte
{
    /// <summary>Bits 63..47 are not a sign extension of bit 47: no walk happens (#GP on the metal).</summary>
    NonCanonical,
    NotPresent,
    ReservedBits,
    /// <summary>Translated through a 2 MiB (PD) or 1 GiB (PDPT) page.</summary>
    HugePage,
    /// <summary>Translated through a 4 KiB PT entry.</summary>
    Translated,
}

/// <summary>One level of a walk: the table, the index used in it, the raw entry read and its decoded flags.</summary>
public readonly record struct PageWalkStep(PageTableLevel Level, int Index, PhysicalAddress Table, ulong RawEntry,
    PageFlags Flags, PhysicalAddress Next)
{
    public override string ToString()
        => Level.Name() + "[" + Index + "] in table " + Table + ": 0x" + RawEntry.ToString("x16") + " ("
            + PageFlagsText.Describe(Flags) + ") -> " + Next;
}

/// <summary>
/// A page walk, level by level, for the shell's `pagewalk`: every step, where it stopped and why,
/// and the physical address when it translated. A reporting object: it allocates.
/// </summary>
public sealed class PageWalk
{
    internal PageWalk(VirtualAddress address, List<PageWalkStep> steps, PageWalkStop stop, PhysicalAddress physical,
        ulong reservedBits)
    {
        Address = address;
        Steps = steps;
        Stop = stop;
        Physical = physical;
        ReservedBits = reservedBits;
    }

    public VirtualAddress Address { get; }
    public IReadOnlyList<PageWalkStep> Steps { get; }
    public PageWalkStop Stop { get; }

    /// <summary>The level the walk stopped at (PML4 for a non-canonical address).</summary>
    public PageTableLevel StopLevel => Steps.Count == 0 ? PageTableLevel.PML4 : Steps[Steps.Count - 1].Level;

    /// <summary>The translation, valid when Translated is true.</summary>
    public PhysicalAddress Physical { get; }

    /// <summary>The offending bits when Stop is ReservedBits.</summary>
    public ulong ReservedBits { get; }

    public bool Translated => Stop == PageWalkStop.Translated || Stop == PageWalkStop.HugePage;

    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append("walk ").Append(Address).Append('\n');
        foreach (var step in Steps) sb.Append("  ").Append(step).Append('\n');
        sb.Append("  stop at ").Append(StopLevel.Name()).Append(": ");
        sb.Append(Stop switch
        {
            PageWalkStop.NonCanonical => "non-canonical address",
            PageWalkStop.NotPresent => "not present",
            PageWalkStop.ReservedBits => "reserved bits set (0x" + ReservedBits.ToString("x") + ")",
            PageWalkStop.HugePage => "huge page, physical " + Physical,
            _ => "translated, physical " + Physical,
        });
        return sb.ToString();
    }
}
