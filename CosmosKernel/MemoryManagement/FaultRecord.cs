using MemOS.Memory;
using MemOS.Memory.Faults;

namespace MemOS.Kernel.MemoryManagement;

/// <summary>
/// One page fault as the handler saw it: CR2, the error code, RIP, what the resolver decided, and the frame.
/// </summary>
internal readonly record struct FaultRecord(
    ulong Sequence, VirtualAddress Cr2, ErrorCode Code, ulong Rip, FaultOutcome Outcome, PhysicalAddress Frame,
    bool FixedUp);
