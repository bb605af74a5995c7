using MemOS.Memory;
using MemOS.Memory.Paging;

namespace MemOS.Kernel.MemoryManagement;

/// <summary>
/// The kernel's own mappings, written into its page table once at bring-up: the image's sections with their real
/// permissions (the stack guard page and the boot tables left out) and the direct map of all RAM. These are fixed
/// mappings, not regions; everything mapped later goes through the VMM.
/// </summary>
internal static class KernelPageTables
{
    private const ulong LargePage = 0x20_0000;

    public static void MapImage(PageTable table, KernelImage image)
    {
        const PageFlags kernel = PageFlags.Present | PageFlags.Global;
        const PageFlags data = kernel | PageFlags.Writable | PageFlags.NoExecute;
        MapRange(table, image.TextStart, image.TextEnd, kernel);                              // code: read + execute
        MapRange(table, image.RodataStart, image.RodataEnd, kernel | PageFlags.NoExecute);    // read-only data
        // data and bss, except the boot page tables: their frames go back to the PMM, so no alias may remain
        MapRange(table, image.DataStart, image.BootTablesStart, data);
        MapRange(table, image.BootTablesEnd, image.StackGuard, data);
        // the page at StackGuard stays unmapped: a kernel stack overflow faults there
        MapRange(table, image.StackGuard + VirtualAddress.PageSize, image.End, data);
    }

    /// <summary>2 MiB pages over [0, ramEnd rounded up), NX and supervisor-only; returns where they end.</summary>
    public static ulong MapDirect(PageTable table, ulong ramEnd)
    {
        ulong end = (ramEnd + LargePage - 1) & ~(LargePage - 1);
        const PageFlags flags = PageFlags.Present | PageFlags.Writable | PageFlags.Global | PageFlags.NoExecute;
        for (ulong p = 0; p < end; p += LargePage)
        {
            var page = new VirtualAddress(KernelLayout.DirectMapBase + p);
            PageTableChange c = table.Map(page, new PhysicalAddress(p), flags, PageSize.Size2M);
            if (c.Error != MemoryError.None) KernelMemory.Fatal($"direct-mapping 0x{p:x}: {c.Error.Name()}");
        }
        return end;
    }

    private static void MapRange(PageTable table, ulong start, ulong end, PageFlags flags)
    {
        for (ulong va = start & ~0xFFFUL; va < end; va += VirtualAddress.PageSize)
        {
            var frame = new PhysicalAddress(KernelImage.Physical(va));
            PageTableChange c = table.Map(new VirtualAddress(va), frame, flags);
            if (c.Error != MemoryError.None)
                KernelMemory.Fatal($"mapping the kernel image at 0x{va:x}: {c.Error.Name()}");
        }
    }
}
