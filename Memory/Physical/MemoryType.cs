namespace MemOS.Memory.Physical;

/// <summary>
/// What a range of physical addresses holds. Declared in order of restrictiveness: where ranges overlap, the
/// greater value wins (bad > NVS > reserved > kernel reservations > ACPI reclaimable > usable).
/// </summary>
public enum MemoryType : byte
{
    Usable,
    AcpiReclaimable,
    FirstMebibyte,
    BootTables,
    Module,
    KernelImage,
    Firmware,
    Reserved,
    AcpiNvs,
    Bad,
}

/// <summary>Names and multiboot numbers of <see cref="MemoryType"/>.</summary>
public static class MemoryTypes
{
    /// <summary>Number of <see cref="MemoryType"/> values.</summary>
    public const int Count = 10;

    /// <summary>The name the memmap table prints.</summary>
    public static string Name(MemoryType type) => type switch
    {
        MemoryType.Usable => "usable",
        MemoryType.AcpiReclaimable => "ACPI reclaimable",
        MemoryType.FirstMebibyte => "first MiB",
        MemoryType.BootTables => "boot tables",
        MemoryType.Module => "module",
        MemoryType.KernelImage => "kernel",
        MemoryType.Firmware => "firmware",
        MemoryType.Reserved => "reserved",
        MemoryType.AcpiNvs => "ACPI NVS",
        MemoryType.Bad => "bad",
        _ => "unknown",
    };

    /// <summary>
    /// Multiboot type number (1..5) to a type; anything else is reserved and <paramref name="known"/> false.
    /// </summary>
    public static MemoryType FromMultiboot(uint type, out bool known)
    {
        known = true;
        switch (type)
        {
            case 1: return MemoryType.Usable;
            case 2: return MemoryType.Reserved;
            case 3: return MemoryType.AcpiReclaimable;
            case 4: return MemoryType.AcpiNvs;
            case 5: return MemoryType.Bad;
            default: known = false; return MemoryType.Reserved;
        }
    }

    /// <summary>The type a kernel reservation paints over usable memory.</summary>
    public static MemoryType Of(ReservationKind kind) => kind switch
    {
        ReservationKind.KernelImage => MemoryType.KernelImage,
        ReservationKind.Module => MemoryType.Module,
        ReservationKind.FirstMebibyte => MemoryType.FirstMebibyte,
        ReservationKind.BootTables => MemoryType.BootTables,
        _ => MemoryType.Firmware,
    };
}
