namespace MemOS.Memory;

/// <summary>A 48-bit x86_64 virtual address (4-level paging).</summary>
public readonly record struct VirtualAddress(ulong Value)
{
    public const ulong PageSize = 4096;

    /// <summary>Bits 63..47 must all equal bit 47.</summary>
    public bool IsCanonical => (Value >> 47) == 0 || (Value >> 47) == 0x1FFFF;
    public bool IsPageAligned => (Value & (PageSize - 1)) == 0;
    public VirtualAddress PageBase => new(Value & ~(PageSize - 1));
    public ulong PageOffset => Value & (PageSize - 1);

    /// <summary>Index into the table at a level: 4 = PML4, 3 = PDPT, 2 = PD, 1 = PT.</summary>
    public int TableIndex(int level) => (int)((Value >> (12 + 9 * (level - 1))) & 0x1FF);

    public static VirtualAddress operator +(VirtualAddress a, ulong offset) => new(a.Value + offset);

    public override string ToString() => "0x" + Value.ToString("x");
}
