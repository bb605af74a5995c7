namespace MemOS.Memory.Physical;

/// <summary>
/// One raw entry as the boot loader hands it over (multiboot type numbers: 1 usable .. 5 bad). Not trusted.
/// </summary>
public readonly record struct MemoryMapEntry(PhysicalAddress Base, ulong Length, uint Type)
{
    public MemoryMapEntry(ulong @base, ulong length, uint type) : this(new PhysicalAddress(@base), length, type) { }

    public override string ToString() => $"[{Base}, +0x{Length:x}) type {Type}";
}
