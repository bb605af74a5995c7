namespace MemOS.Memory.Paging;

/// <summary>What a page-table change leaves stale in the TLB.</summary>
public enum TlbInvalidationKind : byte
{
    None = 0,
    Page,
    Range,
    All,
}

/// <summary>
/// Which addresses a page-table change requires invalidating: nothing, one page, a range, or everything.
/// Ranges above a small ceiling become a full flush (as Linux does): one CR3 reload beats many invlpg.
/// </summary>
public readonly record struct TlbInvalidation(TlbInvalidationKind Kind, VirtualAddress Start, ulong Length)
{
    /// <summary>Ranges of more pages than this are flushed with InvalidateAll.</summary>
    public const ulong SinglePageCeiling = 32;

    public static TlbInvalidation None => default;
    public static TlbInvalidation All => new(TlbInvalidationKind.All, default, 0);
    public static TlbInvalidation Page(VirtualAddress page)
        => new(TlbInvalidationKind.Page, page.PageBase, VirtualAddress.PageSize);
    public static TlbInvalidation Range(VirtualAddress start, ulong length)
        => new(TlbInvalidationKind.Range, start, length);

    /// <summary>Does this invalidation cover the page holding an address?</summary>
    public bool Covers(VirtualAddress address) => Kind switch
    {
        TlbInvalidationKind.All => true,
        TlbInvalidationKind.Page or TlbInvalidationKind.Range => address.Value - Start.Value < Length,
        _ => false,
    };

    /// <summary>Carry it out through the TLB interface.</summary>
    public void Apply(ITlb tlb)
    {
        switch (Kind)
        {
            case TlbInvalidationKind.Page:
                tlb.Invalidate(Start);
                break;
            case TlbInvalidationKind.Range:
                ulong pages = (Length + VirtualAddress.PageSize - 1) / VirtualAddress.PageSize;
                if (pages > SinglePageCeiling) { tlb.InvalidateAll(); break; }
                for (ulong i = 0; i < pages; i++) tlb.Invalidate(Start + i * VirtualAddress.PageSize);
                break;
            case TlbInvalidationKind.All:
                tlb.InvalidateAll();
                break;
        }
    }
}
