namespace MemOS.Memory.Paging;

/// <summary>Page sizes: PageTable maps a PT entry (4 KiB) or a PD entry with PS set (2 MiB).</summary>
public enum PageSize : byte
{
    Size4K = 0,
    Size2M = 1,
    /// <summary>A PDPT entry with PS set. Lookups and walks report it; PageTable never creates one.</summary>
    Size1G = 2,
}
