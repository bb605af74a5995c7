namespace MemOS.Memory.Physical;

/// <summary>What was wrong with the memory map the firmware sent (one diagnostic per problem).</summary>
public enum MemoryMapProblem : byte
{
    /// <summary>No entries at all: the map cannot be trusted.</summary>
    EmptyMap,
    /// <summary>Entries are not sorted by base (harmless; sorted).</summary>
    Unsorted,
    /// <summary>Length 0 (dropped).</summary>
    ZeroLength,
    /// <summary>Type number outside 1..5 (treated as reserved).</summary>
    UnknownType,
    /// <summary>Base + length wraps past 2^64 (clipped or dropped).</summary>
    Overflow,
    /// <summary>Above the physical address width (clipped or dropped).</summary>
    BeyondAddressWidth,
    /// <summary>Two entries overlap (resolved to the more restrictive type).</summary>
    Overlap,
    /// <summary>A usable range not on 4 KiB boundaries (trimmed inward, or dropped when no frame is left).</summary>
    Unaligned,
    /// <summary>Nothing usable remains.</summary>
    NoUsableMemory,
    /// <summary>A reservation with length 0 or wrapping past 2^64 (refused).</summary>
    InvalidReservation,
    /// <summary>A reservation that touches no known memory (refused).</summary>
    ReservationOutsideMemory,
    /// <summary>Too many problems; the rest were handled but not listed.</summary>
    Truncated,
}

/// <summary>
/// Names for diagnostics (the kernel has no reflection data, so Enum.ToString is not available there).
/// </summary>
public static class MemoryMapProblems
{
    public static string Name(this MemoryMapProblem problem) => problem switch
    {
        MemoryMapProblem.EmptyMap => "empty map",
        MemoryMapProblem.Unsorted => "unsorted",
        MemoryMapProblem.ZeroLength => "zero length",
        MemoryMapProblem.UnknownType => "unknown type",
        MemoryMapProblem.Overflow => "overflow",
        MemoryMapProblem.BeyondAddressWidth => "beyond the address width",
        MemoryMapProblem.Overlap => "overlap",
        MemoryMapProblem.Unaligned => "unaligned",
        MemoryMapProblem.NoUsableMemory => "no usable memory",
        MemoryMapProblem.InvalidReservation => "invalid reservation",
        MemoryMapProblem.ReservationOutsideMemory => "reservation outside memory",
        MemoryMapProblem.Truncated => "truncated",
        _ => "problem " + ((int)problem).ToString(),
    };
}
