using MemOS.Kernel.MemoryManagement;

namespace MemOS.Kernel.Shell;

/// <summary>
/// How `map` and `unmap` say what the TLB was made to do: read from the hardware TLB's own counts of the invlpg
/// and full flushes it executed during the change, never from what the change asked for.
/// </summary>
internal readonly record struct TlbText(ulong PagesBefore, ulong FlushesBefore)
{
    public static TlbText Before(HardwareTlb tlb) => new(tlb.PageInvalidations, tlb.FullFlushes);

    /// <summary>What ran since Before: "invlpg A", "N invlpg (last A)", "full flush" (and any invlpg), or none.
    /// </summary>
    public string Executed(HardwareTlb tlb, string none)
    {
        ulong pages = tlb.PageInvalidations - PagesBefore, flushes = tlb.FullFlushes - FlushesBefore;
        string invlpg = pages == 0 ? ""
            : pages == 1 ? $"invlpg {Format.Hex(tlb.LastPage.Value)}"
            : $"{pages} invlpg (last {Format.Hex(tlb.LastPage.Value)})";
        string flush = flushes == 0 ? "" : flushes == 1 ? "full flush" : $"{flushes} full flushes";
        if (invlpg.Length > 0 && flush.Length > 0) return invlpg + ", " + flush;
        return invlpg.Length + flush.Length == 0 ? none : invlpg + flush;
    }
}
