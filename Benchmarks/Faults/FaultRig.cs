using System;
using MemOS.Memory;
using MemOS.Memory.Faults;
using MemOS.Memory.Physical;
using MemOS.Memory.Simulation;
using MemOS.Memory.Virtual;

namespace MemOS.Benchmarks.Faults;

/// <summary>
/// The host fault path end to end: SimulatedMachine (software MMU + TLB) over a real PMM in SimulatedRam, one
/// user address space, and a demand region whose pages are touched, then unmapped again so the next touch faults.
/// </summary>
public sealed class FaultRig : IDisposable
{
    /// <summary>Pages faulted per batch; the region is then shrunk and regrown, so unmapping is amortised over
    /// these.</summary>
    public const int BatchPages = 512;
    private const ulong Page = VirtualAddress.PageSize, RamBytes = 64UL << 20;
    private static readonly VirtualAddress RegionBase = new(0x40_0000);

    private readonly SimulatedMachine _machine;
    private readonly AddressSpace _space;
    private readonly Region _region;
    private readonly PhysicalAddress _scratch;

    public FaultRig()
    {
        Ram = new SimulatedRam(RamBytes);
        var pmm = new PhysicalMemoryManager(
            new MemoryMap(new[] { new MemoryMapEntry(1UL << 20, RamBytes - (1UL << 20), 1) }), Ram);
        _machine = new SimulatedMachine(Ram, pmm, PageFaultResolver.Create(Ram, pmm).Value);
        _space = _machine.CreateAddressSpace().Value;
        _machine.Cr3 = _space;
        // Page 0 of the region stays mapped: it is the "already mapped" page, and keeps the region non-empty.
        _region = _space.CreateRegion("bench", (BatchPages + 1) * Page,
            RegionFlags.Read | RegionFlags.Write | RegionFlags.User,
            RegionPlacement.Fixed(RegionBase), RegionBacking.Demand).Value;
        Require(_machine.Touch(RegionBase, Access.Write, user: true));
        _scratch = pmm.AllocateFrame().Value;
    }

    public SimulatedRam Ram { get; }

    /// <summary>Write-touch <see cref="BatchPages"/> fresh demand pages (each a fault that maps a zeroed frame), then
    /// unmap them.</summary>
    public void FaultBatch()
    {
        for (ulong i = 1; i <= BatchPages; i++)
            Require(_machine.Touch(RegionBase + i * Page, Access.Write, user: true));
        _space.Shrink(_region, BatchPages * Page);
        _space.Grow(_region, BatchPages * Page, RegionBacking.Demand);
    }

    /// <summary>The floor: a touch of a mapped page whose translation is in the simulated TLB.</summary>
    public void TouchMapped() => _machine.Touch(RegionBase, Access.Write, user: true);

    /// <summary>The other floor: zeroing one 4 KiB frame, which every demand-zero fault does.</summary>
    public void ZeroFrame() => Ram.Zero(_scratch, Page);

    private static void Require(TouchResult touch)
    {
        if (!touch.Ok) throw new InvalidOperationException("benchmark touch failed: " + touch.Outcome);
    }

    public void Dispose() => Ram.Dispose();
}
