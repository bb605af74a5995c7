namespace MemOS.Memory.Paging;

/// <summary>The four levels of x86_64 paging; the value is the level number VirtualAddress.TableIndex takes.</summary>
public enum PageTableLevel : byte
{
    PT = 1,
    PD = 2,
    PDPT = 3,
    PML4 = 4,
}
