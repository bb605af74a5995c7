using BenchmarkDotNet.Attributes;
using MemOS.Benchmarks.Faults;

namespace MemOS.Benchmarks.Suites;

/// <summary>A demand-zero fault through the simulated machine, and its two floors.</summary>
public class FaultBenchmarks
{
    private FaultRig _rig = null!;

    [GlobalSetup]
    public void Setup() => _rig = new FaultRig();

    /// <summary>Per fault, with the unmap of each page amortised in.</summary>
    [Benchmark(OperationsPerInvoke = FaultRig.BatchPages)]
    public void DemandZeroFault() => _rig.FaultBatch();

    [Benchmark]
    public void TouchMappedPage() => _rig.TouchMapped();

    [Benchmark]
    public void ZeroFrame() => _rig.ZeroFrame();

    [GlobalCleanup]
    public void Cleanup() => _rig.Dispose();
}
