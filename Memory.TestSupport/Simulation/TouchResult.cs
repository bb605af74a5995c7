using MemOS.Memory.Faults;

namespace MemOS.Memory.Simulation;

/// <summary>
/// How a simulated access went: Ok with the physical address, or the violation (Outcome says why). Faulted
/// says a page fault was taken on the way (Code is its error code; Outcome what the resolver did).
/// </summary>
public readonly record struct TouchResult(bool Ok, PhysicalAddress Physical, bool Faulted, ErrorCode Code,
    FaultOutcome Outcome)
{
    public bool IsViolation => !Ok;
}
