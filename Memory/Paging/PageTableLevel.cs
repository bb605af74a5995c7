namespace MemOS.Memory.Paging;

/// <summary>The four levels of x86_64 paging; the value is the level number VirtualAddress.TableIndex takes.</summary>
public enum PageTableLevel : byte
{
    PT = 1,
    PD = 2,
    PDPT = 3,
    PML4 = 4,
}

/// <summary>Level names (the kernel has no reflection data, so Enum.ToString is not available there).</summary>
public static class PageTableLevels
{
    public static string Name(this PageTableLevel level) => level switch
    {
        PageTableLevel.PML4 => "PML4",
        PageTableLevel.PDPT => "PDPT",
        PageTableLevel.PD => "PD",
        PageTableLevel.PT => "PT",
        _ => "level " + ((int)level).ToString(),
    };
}
