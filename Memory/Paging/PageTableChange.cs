namespace MemOS.Memory.Paging;

/// <summary>
/// The outcome of a map/unmap/protect/replace: the error (None on success), the frame that was mapped
/// before (unmap, replace), and the TLB invalidation already applied.
/// </summary>
public readonly record struct PageTableChange(MemoryError Error, PhysicalAddress Frame, TlbInvalidation Invalidation)
{
    public bool Ok => Error == MemoryError.None;

    public static PageTableChange Fail(MemoryError error) => new(error, default, TlbInvalidation.None);
}
