namespace MemOS.Memory.Faults;

/// <summary>How page faults have ended so far.</summary>
public readonly record struct FaultStatistics(
    long Faults,
    long ZeroPageMaps,
    long PrivateFrames,
    long ZeroPageCopies,
    long CopyOnWriteCopies,
    long MadeWritable,
    long Spurious,
    long Violations);
