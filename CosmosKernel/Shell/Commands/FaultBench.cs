using MemOS.Kernel.Hardware;
using MemOS.Kernel.MemoryManagement;
using MemOS.Memory;
using MemOS.Memory.Faults;
using MemOS.Memory.Physical;
using MemOS.Memory.Virtual;

namespace MemOS.Kernel.Shell.Commands;

/// <summary>
/// bench rows that take the demand-zero fault apart: each step it does, timed alone in a loop over a demand region
/// made for the bench (freed after). The fault itself is the other rows: `#PF round trip` (CPU, handler, a refused
/// decision) and `demand-zero fault` (all of it); what they leave is the handler's bookkeeping (fault log, counters).
/// </summary>
internal static class FaultBench
{
    public const int Iterations = 200;
    private const ulong Page = VirtualAddress.PageSize;

    /// <summary>The resolver's decision for a write to a not-present demand page (region lookup + page walk).</summary>
    public static ulong Decide(KernelMemory m)
    {
        Region? region = CreateRegion(m);
        if (region == null) return ulong.MaxValue;
        var page = region.Base + Page;
        var code = ErrorCode.From(present: false, write: true, user: false);
        ulong t0 = Cpu.ReadTsc();
        for (int i = 0; i < Iterations; i++) m.Resolver.Decide(m.Space, page, code);
        ulong t1 = Cpu.ReadTsc();
        m.Space.FreeRegion(region);
        return (t1 - t0) / Iterations;
    }

    /// <summary>
    /// Page-table map + unmap of one 4 KiB page whose tables exist (a neighbour stays mapped): the entry writes and
    /// the unmap's TLB invalidation (invlpg).
    /// </summary>
    public static ulong MapUnmap(KernelMemory m)
    {
        Region? region = CreateRegion(m);
        if (region == null) return ulong.MaxValue;
        var frame = m.Pmm.AllocateFrame(FrameUsage.Kernel);
        if (!frame.Ok)
        {
            m.Space.FreeRegion(region);
            return ulong.MaxValue;
        }
        SafeAccess.TryWrite8(region.Base.Value, 1); // keeps the tables of the page below alive
        var page = region.Base + Page;
        var flags = region.PageFlags;
        ulong t0 = Cpu.ReadTsc();
        for (int i = 0; i < Iterations; i++)
        {
            m.Space.PageTable.Map(page, frame.Value, flags);
            m.Space.PageTable.Unmap(page); // applies its own invalidation (invlpg)
        }
        ulong t1 = Cpu.ReadTsc();
        m.Space.FreeRegion(region);
        m.Pmm.FreeFrame(frame.Value);
        return (t1 - t0) / Iterations;
    }

    private static Region? CreateRegion(KernelMemory m)
    {
        var placement = RegionPlacement.FirstFit(
            new VirtualAddress(KernelLayout.KernelVirtualArea), new VirtualAddress(KernelLayout.ScratchBase));
        var region = m.Space.CreateRegion("bench", 4 * Page, RegionFlags.Read | RegionFlags.Write, placement,
            RegionBacking.Demand);
        return region.Ok ? region.Value : null;
    }
}
