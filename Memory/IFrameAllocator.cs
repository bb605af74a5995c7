namespace MemOS.Memory;

/// <summary>
/// What page tables and address spaces need from the physical memory manager: single frames with a
/// reference count (the shared zero page and copy-on-write share frames).
/// </summary>
public interface IFrameAllocator
{
    /// <summary>One 4 KiB frame, reference count 1, contents undefined.</summary>
    Result<PhysicalAddress> AllocateFrame();

    /// <summary>
    /// Drops one reference; the frame is free when none remain. Double free, reserved or unknown frame → error,
    /// nothing changed.
    /// </summary>
    MemoryError FreeFrame(PhysicalAddress frame);

    /// <summary>Adds a reference to an allocated frame (a second mapping of it).</summary>
    MemoryError AddReference(PhysicalAddress frame);

    /// <summary>References held on a frame; 0 for a free, reserved or unknown frame.</summary>
    int ReferenceCount(PhysicalAddress frame);
}
