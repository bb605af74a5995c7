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

    /// <summary>
    /// The resolver's decision for a write to a not-present demand page (region lookup + page walk); an iteration
    /// whose decision is not "map a private frame" failed.
    /// </summary>
    public static BenchRound Decide(KernelMemory m)
    {
        Region? region = CreateRegion(m);
        if (region == null) return new BenchRound(ulong.MaxValue, Iterations);
        var page = region.Base + Page;
        var code = ErrorCode.From(present: false, write: true, user: false);
        ulong failed = 0;
        ulong t0 = Cpu.ReadTsc();
        for (int i = 0; i < Iterations; i++)
            if (m.Resolver.Decide(m.Space, page, code).Outcome != FaultOutcome.PrivateFrameMapped) failed++;
        ulong t1 = Cpu.ReadTsc();
        m.Space.FreeRegion(region);
        return new BenchRound((t1 - t0) / Iterations, failed);
    }

    /// <summary>
    /// Page-table map + unmap of one 4 KiB page whose tables exist (a neighbour stays mapped): the entry writes and
    /// the unmap's TLB invalidation (invlpg). An iteration whose map or unmap is refused failed.
    /// </summary>
    public static BenchRound MapUnmap(KernelMemory m)
    {
        Region? region = CreateRegion(m);
        if (region == null) return new BenchRound(ulong.MaxValue, Iterations);
        var frame = BenchAllocations.Frame(m, FrameUsage.Kernel);
        if (!frame.Ok)
        {
            m.Space.FreeRegion(region);
            return new BenchRound(ulong.MaxValue, Iterations);
        }
        SafeAccess.TryWrite8(region.Base.Value, 1); // keeps the tables of the page below alive
        var page = region.Base + Page;
        var flags = region.PageFlags;
        ulong failed = 0;
        ulong t0 = Cpu.ReadTsc();
        for (int i = 0; i < Iterations; i++)
        {
            bool mapped = m.Space.PageTable.Map(page, frame.Value, flags).Ok;
            bool unmapped = m.Space.PageTable.Unmap(page).Ok; // applies its own invalidation (invlpg)
            if (!mapped || !unmapped) failed++;
        }
        ulong t1 = Cpu.ReadTsc();
        m.Space.FreeRegion(region);
        m.Pmm.FreeFrame(frame.Value);
        return new BenchRound((t1 - t0) / Iterations, failed);
    }

    private static Region? CreateRegion(KernelMemory m)
    {
        Result<Region> region = BenchAllocations.DemandRegion(m, 4 * Page);
        return region.Ok ? region.Value : null;
    }
}
