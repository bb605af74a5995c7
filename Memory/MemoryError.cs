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
