using BenchmarkDotNet.Attributes;
using MemOS.Benchmarks.Physical;

namespace MemOS.Benchmarks.Suites;

/// <summary>Single-frame alloc+free of the PMM on small and large RAM: the cost must not grow with RAM.</summary>
public class PmmBenchmarks
{
    private PmmRig _rig = null!;

    [Params(128UL, 4096UL)]
    public ulong RamMiB { get; set; }

    [GlobalSetup]
    public void Setup() => _rig = new PmmRig(RamMiB * PmmRig.MiB);

    [Benchmark]
    public void AllocateAndFreeFrame() => _rig.AllocateAndFree();

    [GlobalCleanup]
    public void Cleanup() => _rig.Dispose();
}
