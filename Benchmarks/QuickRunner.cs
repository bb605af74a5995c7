using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MemOS.Benchmarks.Allocators;
using MemOS.Benchmarks.Faults;
using MemOS.Benchmarks.Physical;
using MemOS.Benchmarks.Reporting;
using MemOS.Benchmarks.Workloads;

namespace MemOS.Benchmarks;

/// <summary>
/// `--quick`: every workload once with a Stopwatch round timer (a few short rounds, median), in well under three
/// minutes; prints the ratios the targets are stated in and writes docs/performance-results.csv and the plot.
/// </summary>
public static class QuickRunner
{
    public const string SmallChurn = "small churn", MixedChurn = "mixed sizes churn";

    public static void Run(string docsDirectory)
    {
        var timer = new RoundTimer(rounds: 7, roundBudget: TimeSpan.FromMilliseconds(150));
        var results = new List<Measurement>();
        var available = AllocatorCatalog.Available();

        Console.WriteLine("Allocators: alloc+free pair at 10,000 live blocks");
        foreach (var distribution in new[] { SizeDistribution.Small, SizeDistribution.Mixed })
        {
            foreach (var name in available)
            {
                using var allocator = AllocatorCatalog.Create(name, out _)!;
                using var work = new ChurnWorkload(allocator, distribution);
                work.Fill();
                // 1,000 pairs per call keeps the call overhead out; first-fit is slow enough for 10 per call.
                int perCall = name == AllocatorCatalog.FirstFit ? 10 : 1_000;
                results.Add(timer.Measure(distribution == SizeDistribution.Small ? SmallChurn : MixedChurn, name,
                    calls => { for (long i = 0; i < calls; i++) work.Run(perCall); }, perCall));
            }
        }

        Console.WriteLine("PMM: single-frame alloc+free");
        var metadata = new List<(ulong Ram, ulong Bytes, double Percent)>();
        foreach (ulong ram in new[] { 128 * PmmRig.MiB, 4 * PmmRig.GiB })
        {
            using var rig = new PmmRig(ram);
            results.Add(timer.Measure("pmm frame alloc+free", Size(ram),
                calls => { for (long i = 0; i < calls; i++) rig.AllocateAndFree(); }));
            metadata.Add((ram, rig.Pmm.MetadataBytes, rig.MetadataPercent));
        }
        foreach (var (ram, bytes, percent) in metadata)
            Console.WriteLine($"  PMM metadata for {Size(ram)}: {bytes:N0} B = {percent:F4} % of RAM");

        Console.WriteLine("Faults (SimulatedMachine)");
        using (var rig = new FaultRig())
        {
            results.Add(timer.Measure("fault path", "demand-zero fault",
                calls => { for (long i = 0; i < calls; i++) rig.FaultBatch(); }, FaultRig.BatchPages));
            results.Add(timer.Measure("fault path", "touch mapped",
                calls => { for (long i = 0; i < calls; i++) rig.TouchMapped(); }));
            results.Add(timer.Measure("fault path", "zero 4 KiB frame",
                calls => { for (long i = 0; i < calls; i++) rig.ZeroFrame(); }));
        }

        Console.WriteLine("Overhead per small block (from heap statistics, not timed)");
        var overhead = OverheadReport.Measure();

        Directory.CreateDirectory(docsDirectory);
        string csv = Path.Combine(docsDirectory, "performance-results.csv");
        string png = Path.Combine(docsDirectory, "performance-allocators.png");
        CsvReport.Write(csv, results);
        AllocatorPlot.Write(png, results, [SmallChurn, MixedChurn], "MemOS heaps vs C allocators, 10,000 live blocks (host, --quick)");
        Console.WriteLine($"wrote {csv} and {png}");

        PrintTargets(results, metadata[^1].Percent, overhead);
    }

    private static void PrintTargets(List<Measurement> results, double metadataPercent, OverheadReport.Overhead[] overhead)
    {
        double? Ns(string group, string subject)
            => results.Where(m => m.Group == group && m.Subject == subject).Select(m => (double?)m.MedianNs).FirstOrDefault();
        string Ratio(double? a, double? b) => a is null || b is null ? "n/a (allocator missing)" : $"{a / b:F2}x";

        Console.WriteLine("Targets (ratios within this run, medians)");
        var k = Ns(SmallChurn, AllocatorCatalog.KernelHeap);
        Console.WriteLine($"  KernelHeap / mimalloc, small churn:   {Ratio(k, Ns(SmallChurn, AllocatorCatalog.Mimalloc))} (target <= 1.5x)");
        Console.WriteLine($"  KernelHeap / mimalloc, mixed churn:   {Ratio(Ns(MixedChurn, AllocatorCatalog.KernelHeap), Ns(MixedChurn, AllocatorCatalog.Mimalloc))}");
        Console.WriteLine($"  FirstFitHeap / KernelHeap, small:     {Ratio(Ns(SmallChurn, AllocatorCatalog.FirstFit), k)} (target >= 10x)");
        Console.WriteLine($"  FirstFitHeap / KernelHeap, mixed:     {Ratio(Ns(MixedChurn, AllocatorCatalog.FirstFit), Ns(MixedChurn, AllocatorCatalog.KernelHeap))}");
        Console.WriteLine($"  PMM 4 GiB / 128 MiB:                  {Ratio(Ns("pmm frame alloc+free", "4 GiB"), Ns("pmm frame alloc+free", "128 MiB"))} (target <= 1.2x)");
        Console.WriteLine($"  PMM metadata at 4 GiB:                {metadataPercent:F4} % of RAM (target <= 0.1 %)");
        var steady = overhead.First(o => o.Heap == "KernelHeap" && o.When != "after fill");
        Console.WriteLine($"  KernelHeap overhead per small block:  {steady.PerBlock:F1} B steady state (target <= 16 B)");
    }

    private static string Size(ulong bytes) => bytes >= PmmRig.GiB ? $"{bytes / PmmRig.GiB} GiB" : $"{bytes / PmmRig.MiB} MiB";
}
