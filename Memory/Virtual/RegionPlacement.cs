namespace MemOS.Memory.Virtual;

/// <summary>Where a new region goes: at a fixed base, or first fit inside [Low, High) leaving guard gaps.</summary>
public readonly record struct RegionPlacement(VirtualAddress Low, VirtualAddress High, bool IsFixed)
{
    public static RegionPlacement Fixed(VirtualAddress baseAddress) => new(baseAddress, baseAddress, true);
    public static RegionPlacement FirstFit(VirtualAddress low, VirtualAddress high) => new(low, high, false);
}
