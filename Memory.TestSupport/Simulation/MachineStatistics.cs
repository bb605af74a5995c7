namespace MemOS.Memory.Simulation;

/// <summary>
/// What the simulated machine has done: accesses, faults, violations, TLB hits/misses and invalidations.
/// </summary>
public readonly record struct MachineStatistics(
    long Touches,
    long Faults,
    long Violations,
    long TlbHits,
    long TlbMisses,
    long PageInvalidations,
    long FullInvalidations,
    long Cr3Loads);
