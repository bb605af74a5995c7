namespace MemOS.Memory.Paging;

/// <summary>
/// What the page table holds at an address. Mapped: the page, its frame, flags and size. Not mapped:
/// Page/Extent describe the whole hole the missing entry covers, so a scan can skip it in one step.
/// </summary>
public readonly record struct PageLookup(bool IsMapped, VirtualAddress Page, PhysicalAddress Frame, PageFlags Flags,
    PageSize Size, ulong Extent)
{
    /// <summary>The physical address of a virtual address inside this mapping.</summary>
    public PhysicalAddress Translate(VirtualAddress address) => Frame + (address.Value - Page.Value);
}
