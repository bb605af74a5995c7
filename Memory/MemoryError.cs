namespace MemOS.Memory;

/// <summary>
/// Every way a memory operation can fail. Memory/ never throws for a runtime condition (the kernel has no
/// exception dispatch yet): it returns one of these and leaves its state unchanged.
/// </summary>
public enum MemoryError
{
    None = 0,
    OutOfMemory,
    InvalidArgument,
    Misaligned,
    OutOfRange,
    // physical frames
    DoubleFree,
    NotAllocated,
    ReservedFrame,
    UnknownFrame,
    // page tables
    NonCanonical,
    AlreadyMapped,
    NotMapped,
    Conflict,
    // regions / address spaces
    Overlap,
    NoRegion,
    NoSpace,
    // heaps
    BadPointer,
    HeapCorrupted,
}

/// <summary>
/// MemoryError's identifiers as text. Enum.ToString needs reflection data, which the kernel is compiled without
/// (it would fault): the shell prints errors through this.
/// </summary>
public static class MemoryErrorNames
{
    public static string Name(this MemoryError error) => error switch
    {
        MemoryError.None => "None",
        MemoryError.OutOfMemory => "OutOfMemory",
        MemoryError.InvalidArgument => "InvalidArgument",
        MemoryError.Misaligned => "Misaligned",
        MemoryError.OutOfRange => "OutOfRange",
        MemoryError.DoubleFree => "DoubleFree",
        MemoryError.NotAllocated => "NotAllocated",
        MemoryError.ReservedFrame => "ReservedFrame",
        MemoryError.UnknownFrame => "UnknownFrame",
        MemoryError.NonCanonical => "NonCanonical",
        MemoryError.AlreadyMapped => "AlreadyMapped",
        MemoryError.NotMapped => "NotMapped",
        MemoryError.Conflict => "Conflict",
        MemoryError.Overlap => "Overlap",
        MemoryError.NoRegion => "NoRegion",
        MemoryError.NoSpace => "NoSpace",
        MemoryError.BadPointer => "BadPointer",
        MemoryError.HeapCorrupted => "HeapCorrupted",
        _ => "error " + ((int)error).ToString(),
    };
}
