using MemOS.Kernel.MemoryManagement;
using MemOS.Memory;
using MemOS.Memory.Boot;
using MemOS.Memory.Physical;
using MemOS.Memory.Virtual;

namespace MemOS.Kernel.Shell.Commands;

/// <summary>
/// The allocations bench's rows time or need (frames, heap blocks, the regions it faults in, the programs it
/// spawns). Since the kernel reserve, `pmm alloc` cannot starve bench, so a failed row is unreachable from the
/// shell; the boot option `benchfail=alloc` (for tests) refuses every one of them as out of memory, so a kernel test
/// can see each row report "failed" rather than a time.
/// </summary>
internal static class BenchAllocations
{
    /// <summary>True under the boot option benchfail=alloc: every allocation below fails with OutOfMemory.</summary>
    public static bool Refused { get; private set; }

    /// <summary>Reads the boot option; anything other than `alloc` is named as unknown.</summary>
    public static void Configure(BootInfo boot)
    {
        string? option = boot.Option("benchfail");
        Refused = option == "alloc";
        if (option != null && !Refused)
            System.Console.WriteLine($"bench: unknown benchfail={option} ignored (the one value is alloc)");
    }

    public static Result<PhysicalAddress> Frame(KernelMemory m, FrameUsage usage)
        => Refused ? Result<PhysicalAddress>.Fail(MemoryError.OutOfMemory) : m.Pmm.AllocateFrame(usage);

    public static Result<VirtualAddress> Heap(KernelMemory m, ulong size)
        => Refused ? Result<VirtualAddress>.Fail(MemoryError.OutOfMemory) : m.Heap.Allocate(size);

    /// <summary>A demand region for the bench in the kernel's virtual area, below the scratch window.</summary>
    public static Result<Region> DemandRegion(KernelMemory m, ulong length)
    {
        if (Refused) return Result<Region>.Fail(MemoryError.OutOfMemory);
        var placement = RegionPlacement.FirstFit(
            new VirtualAddress(KernelLayout.KernelVirtualArea), new VirtualAddress(KernelLayout.ScratchBase));
        return m.Space.CreateRegion("bench", length, RegionFlags.Read | RegionFlags.Write, placement,
            RegionBacking.Demand);
    }
}
