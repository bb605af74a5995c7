namespace MemOS.Memory.Faults;

/// <summary>
/// Every way a page fault can end. Values from NoRegion on are violations (the access is not allowed).
/// </summary>
public enum FaultOutcome : byte
{
    None = 0,
    /// <summary>Demand read of an unbacked page: the shared zero page mapped read-only.</summary>
    ZeroPageMapped,
    /// <summary>Demand write of an unbacked page: a private zeroed frame.</summary>
    PrivateFrameMapped,
    /// <summary>
    /// Write to a zero-page mapping: a private zeroed frame replaces it (copy-on-write from the zero page).
    /// </summary>
    ZeroPageCopied,
    /// <summary>Write to a shared frame (refcount &gt; 1): a private copy replaces it.</summary>
    CopiedOnWrite,
    /// <summary>Write to a read-only mapping of a frame nobody else holds any more: made writable in place.</summary>
    MadeWritable,
    /// <summary>The page is present and allows the access (e.g. a stale TLB entry): already mapped, no work.</summary>
    Spurious,

    NoRegion,
    NonCanonical,
    WriteToReadOnly,
    ExecuteOnNoExecute,
    UserToSupervisor,
    ReservedBit,
    /// <summary>SMAP: the kernel touched a user page.</summary>
    KernelAccessToUser,
    /// <summary>SMEP: the kernel tried to execute a user page.</summary>
    KernelExecuteOfUser,
    /// <summary>A hole in a region that has no way to fill it (MMIO).</summary>
    NotBacked,
    OutOfMemory,
    /// <summary>The access faulted again after the resolver claimed to fix it (simulated machine only).</summary>
    Unresolved,
}

/// <summary>Names and classes of fault outcomes.</summary>
public static class FaultOutcomes
{
    /// <summary>Number of FaultOutcome values (sizes the counter array).</summary>
    public const int Count = (int)FaultOutcome.Unresolved + 1;

    public static bool IsViolation(this FaultOutcome outcome) => outcome >= FaultOutcome.NoRegion;

    /// <summary>Human words for an outcome, as the oops and the trace print them.</summary>
    public static string Describe(this FaultOutcome outcome) => outcome switch
    {
        FaultOutcome.None => "no fault",
        FaultOutcome.ZeroPageMapped => "zero page mapped",
        FaultOutcome.PrivateFrameMapped => "private zeroed frame mapped",
        FaultOutcome.ZeroPageCopied => "copy-on-write from the zero page",
        FaultOutcome.CopiedOnWrite => "copy-on-write copy",
        FaultOutcome.MadeWritable => "only reference left, made writable",
        FaultOutcome.Spurious => "present but allowed (spurious)",
        FaultOutcome.NoRegion => "no region",
        FaultOutcome.NonCanonical => "non-canonical address",
        FaultOutcome.WriteToReadOnly => "write to read-only",
        FaultOutcome.ExecuteOnNoExecute => "execute on NX",
        FaultOutcome.UserToSupervisor => "user touching supervisor",
        FaultOutcome.ReservedBit => "reserved bit set",
        FaultOutcome.KernelAccessToUser => "kernel touching user page (SMAP)",
        FaultOutcome.KernelExecuteOfUser => "kernel executing user page (SMEP)",
        FaultOutcome.NotBacked => "no backing for this page",
        FaultOutcome.OutOfMemory => "out of memory",
        FaultOutcome.Unresolved => "fault persisted after resolution",
        _ => "unknown",
    };
}
