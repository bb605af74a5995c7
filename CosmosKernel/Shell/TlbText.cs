using MemOS.Memory.Paging;

namespace MemOS.Kernel.Shell;

/// <summary>How `map` and `unmap` say what a page-table change asked of the TLB.</summary>
internal static class TlbText
{
    public static string Describe(TlbInvalidation i, string none) => i.Kind switch
    {
        TlbInvalidationKind.Page => $"invlpg {Format.Hex(i.Start.Value)}",
        TlbInvalidationKind.Range => $"invlpg over {Format.Hex(i.Start.Value)}+{Format.Size(i.Length)}",
        TlbInvalidationKind.All => "full flush",
        _ => none,
    };
}
