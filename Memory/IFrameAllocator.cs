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
    /// A frame for user memory (user pages, demand faults in user regions): like AllocateFrame, but OutOfMemory once
    /// only the kernel's reserve is left.
    /// </summary>
    Result<PhysicalAddress> AllocateUserFrame();

    /// <summary>
    /// Commit charge: promise <paramref name="frames"/> frames to user memory that will be taken later by
    /// <see cref="AllocateCharged"/> (a demand page the heap has committed). OutOfMemory when they would come out of
    /// the kernel's reserve or other charges; nothing changes then. Other allocations never take charged frames.
    /// </summary>
    MemoryError Charge(ulong frames);

    /// <summary>Give back charged frames that will not be taken (the page was decommitted or released).</summary>
    void Uncharge(ulong frames);

    /// <summary>One charged frame, taken (reference count 1): cannot fail while a charge is outstanding.</summary>
    Result<PhysicalAddress> AllocateCharged();

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
