using System;
using MemOS.Memory;
using MemOS.Memory.Physical;
using MemOS.Memory.Simulation;

namespace MemOS.Benchmarks.Physical;

/// <summary>
/// A PMM over simulated RAM of a given size with one usable range (everything above the first MiB). SimulatedRam
/// is host memory committed lazily, so 4 GiB costs only the pages the PMM writes (one free-block header per 4 MiB).
/// </summary>
public sealed class PmmRig : IDisposable
{
    public const ulong MiB = 1UL << 20, GiB = 1UL << 30;

    public PmmRig(ulong ramBytes)
    {
        RamBytes = ramBytes;
        Ram = new SimulatedRam(ramBytes);
        var map = new MemoryMap(new[] { new MemoryMapEntry(MiB, ramBytes - MiB, 1) });
        Pmm = new PhysicalMemoryManager(map, Ram);
    }

    public ulong RamBytes { get; }

    public SimulatedRam Ram { get; }

    public PhysicalMemoryManager Pmm { get; }

    /// <summary>One single-frame allocation and its free: the buddy splits down from the largest block and merges
    /// back.</summary>
    public void AllocateAndFree()
    {
        var frame = Pmm.AllocateFrame();
        Pmm.FreeFrame(frame.Value);
    }

    /// <summary>Metadata as a percentage of the RAM it describes.</summary>
    public double MetadataPercent => 100.0 * Pmm.MetadataBytes / RamBytes;

    public void Dispose() => Ram.Dispose();
}
