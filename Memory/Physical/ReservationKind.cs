namespace MemOS.Memory.Physical;

/// <summary>Why the kernel takes a range away from usable memory after reading the firmware map.</summary>
public enum ReservationKind : byte
{
    KernelImage,
    Module,
    FirstMebibyte,
    BootTables,
    Firmware,
}
