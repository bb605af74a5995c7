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
