using System.Collections.Generic;
using BenchmarkDotNet.Attributes;
using MemOS.Benchmarks.Allocators;
using MemOS.Benchmarks.Workloads;

namespace MemOS.Benchmarks.Suites;

/// <summary>Churn at 10,000 live blocks, one alloc+free pair per operation, for every allocator found here.</summary>
public class AllocatorBenchmarks
{
    public const int OperationsPerInvoke = 1_000;
    private IAllocator _allocator = null!;
    private ChurnWorkload _workload = null!;

    public static IEnumerable<string> Allocators() => AllocatorCatalog.Available();

    [ParamsSource(nameof(Allocators))]
    public string Allocator { get; set; } = AllocatorCatalog.KernelHeap;

    [Params(SizeDistribution.Small, SizeDistribution.Mixed)]
    public SizeDistribution Sizes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _allocator = AllocatorCatalog.Create(Allocator, out _)!;
        _workload = new ChurnWorkload(_allocator, Sizes);
        _workload.Fill();
    }

    /// <summary>Time per free+allocate pair.</summary>
    [Benchmark(OperationsPerInvoke = OperationsPerInvoke)]
    public void Churn() => _workload.Run(OperationsPerInvoke);

    [GlobalCleanup]
    public void Cleanup()
    {
        _workload.Dispose();
        _allocator.Dispose();
    }
}
