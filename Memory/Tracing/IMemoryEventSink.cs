namespace MemOS.Memory.Tracing;

/// <summary>
/// Where memory events go while tracing is on. Called on the heap, VMM, fault, PMM and page-table paths, often with
/// interrupts off or in the middle of a heap operation: an implementation must not allocate or fault.
/// </summary>
public interface IMemoryEventSink
{
    void Record(in MemoryEvent e);
}
