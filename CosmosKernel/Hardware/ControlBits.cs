namespace MemOS.Kernel.Hardware;

/// <summary>
/// The bits of CR0, CR4 and the EFER MSR the kernel sets or checks, defined once (Intel SDM vol. 3, 2.5 and 2.2.1).
/// </summary>
internal static class ControlBits
{
    /// <summary>CR0.WP: supervisor writes honour read-only pages (copy-on-write depends on it).</summary>
    public const ulong Cr0WriteProtect = 1UL << 16;

    /// <summary>CR4.PGE: global pages survive CR3 reloads; clearing it flushes them too.</summary>
    public const ulong Cr4GlobalPages = 1UL << 7;

    /// <summary>CR4.SMEP: the kernel may not execute from user pages.</summary>
    public const ulong Cr4Smep = 1UL << 20;

    /// <summary>CR4.SMAP: the kernel may not read or write user pages unless EFLAGS.AC is set.</summary>
    public const ulong Cr4Smap = 1UL << 21;

    /// <summary>The EFER model-specific register's number.</summary>
    public const uint EferMsr = 0xC000_0080;

    /// <summary>EFER.NXE: page-table bit 63 means no-execute (set by boot.asm before long mode).</summary>
    public const ulong EferNoExecute = 1UL << 11;
}
