namespace MemOS.Memory.Virtual;

/// <summary>Where a region's pages come from.</summary>
public enum RegionBacking : byte
{
    /// <summary>Frames are allocated and mapped when the region is created or grown.</summary>
    Immediate,
    /// <summary>Nothing until the first touch: a read maps the zero page, a write a private zeroed frame.</summary>
    Demand,
    /// <summary>A fixed physical range (device memory), mapped uncached at creation and never freed.</summary>
    Mmio,
}

/// <summary>Backing names as the shell prints them (Enum.ToString needs reflection data the kernel lacks).</summary>
public static class RegionBackings
{
    public static string Describe(this RegionBacking backing) => backing switch
    {
        RegionBacking.Immediate => "immediate",
        RegionBacking.Demand => "demand",
        RegionBacking.Mmio => "mmio",
        _ => "unknown",
    };
}
