using MemOS.Memory.Virtual;

namespace MemOS.Memory.Faults;

/// <summary>
/// A fault's decision or its result: the outcome, the region it fell in, the page, and the frame involved
/// (the one mapped now, or for a decision the one currently mapped).
/// </summary>
public readonly record struct FaultResolution(FaultOutcome Outcome, Region? Region, VirtualAddress Page,
    PhysicalAddress Frame)
{
    public bool IsViolation => Outcome.IsViolation();

    public static FaultResolution Violation(FaultOutcome outcome, Region? region, VirtualAddress page)
        => new(outcome, region, page, default);
}
