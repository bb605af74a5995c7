using MemOS.Memory;

namespace MemOS.Kernel.MemoryManagement;

/// <summary>The kernel's virtual address map (a table in docs/paging.md): where each kind of memory lives.</summary>
internal static class KernelLayout
{
    /// <summary>Below this nothing is ever mapped: null pointers and small offsets from them fault.</summary>
    public const ulong NullGuardEnd = 0x40_0000;
    public const ulong UserEnd = 0x0000_8000_0000_0000;
    /// <summary>Where the shell's anonymous user regions go (first fit).</summary>
    public const ulong UserRegionsBase = 0x0000_0000_4000_0000;
    public const ulong DirectMapBase = 0xFFFF_8000_0000_0000;
    public const ulong KernelHeapBase = 0xFFFF_C000_0000_0000;
    public const ulong KernelHeapMax = 1UL << 30;
    public const ulong KernelVirtualArea = 0xFFFF_E000_0000_0000;
    /// <summary>The window the shell's `map`/`unmap` may change by hand.</summary>
    public const ulong ScratchBase = 0xFFFF_E000_1000_0000;
    public const ulong ScratchSize = 16UL * 1024 * 1024;
    public const ulong ImageBase = 0xFFFF_FFFF_8000_0000;

    public static VirtualAddress DirectMap(PhysicalAddress p) => new(DirectMapBase + p.Value);
    public static bool InScratch(ulong va) => va - ScratchBase < ScratchSize;
    public static bool IsUser(ulong va) => va < UserEnd;
}
