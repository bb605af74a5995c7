using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MemOS.Benchmarks.Allocators;
using MemOS.Benchmarks.Faults;
using MemOS.Benchmarks.Physical;
using MemOS.Benchmarks.Reporting;
using MemOS.Benchmarks.Traces;
using MemOS.Benchmarks.Workloads;

namespace MemOS.Benchmarks;

/// <summary>
/// `--quick`: every workload once with a Stopwatch round timer (a few short rounds, median), in well under three
/// minutes; prints the ratios the targets are stated in and writes docs/performance-results.csv and the plot.
/// </summary>
public static class QuickRunner
{
    public const string SmallChurn = "small churn", MixedChurn = "mixed sizes churn", PmmGroup = "pmm frame alloc+free";

    /// <summary>RAM sizes of the PMM benchmark: the 4 GiB / 128 MiB target, and the curve of the PMM chart.</summary>
    public static readonly ulong[] PmmRamSizes =
    [
        128 * PmmRig.MiB, 512 * PmmRig.MiB, 1 * PmmRig.GiB, 2 * PmmRig.GiB, 4 * PmmRig.GiB, 8 * PmmRig.GiB,
        16 * PmmRig.GiB,
    ];

    public static void Run(string docsDirectory)
    {
        var timer = new RoundTimer(
            rounds: 15, roundBudget: TimeSpan.FromMilliseconds(60), warmup: TimeSpan.FromMilliseconds(300));
        var results = new List<Measurement>();
        var available = AllocatorCatalog.Available();

        Console.WriteLine("Allocators: alloc+free pair at 10,000 live blocks (rounds interleaved across allocators)");
        foreach (var distribution in new[] { SizeDistribution.Small, SizeDistribution.Mixed })
        {
            var allocators = new List<IAllocator>();
            var workloads = new List<ChurnWorkload>();
            var subjects = new List<RoundTimer.Subject>();
            foreach (var name in available)
            {
                var allocator = AllocatorCatalog.Create(name, out _)!;
                var work = new ChurnWorkload(allocator, distribution);
                work.Fill();
                allocators.Add(allocator);
                workloads.Add(work);
                // 1,000 pairs per call keeps the call overhead out; first-fit is slow enough for 10 per call.
                int perCall = name == AllocatorCatalog.FirstFit ? 10 : 1_000;
                subjects.Add(new(name, calls => { for (long i = 0; i < calls; i++) work.Run(perCall); }, perCall));
            }
            results.AddRange(timer.Measure(distribution == SizeDistribution.Small ? SmallChurn : MixedChurn, subjects));
            for (int i = 0; i < workloads.Count; i++)
            {
                workloads[i].Dispose();
                allocators[i].Dispose();
            }
        }

        Console.WriteLine("PMM: single-frame alloc+free (rounds interleaved across RAM sizes)");
        var metadata = new List<(ulong Ram, ulong Bytes, double Percent)>();
        var rigs = new List<PmmRig>();
        var pmmSubjects = new List<RoundTimer.Subject>();
        foreach (ulong ram in PmmRamSizes)
        {
            var rig = new PmmRig(ram);
            rigs.Add(rig);
            pmmSubjects.Add(new(Size(ram), calls => { for (long i = 0; i < calls; i++) rig.AllocateAndFree(); }));
            metadata.Add((ram, rig.Pmm.MetadataBytes, rig.MetadataPercent));
        }
        results.AddRange(timer.Measure(PmmGroup, pmmSubjects));
        foreach (var rig in rigs) rig.Dispose();
        foreach (var (ram, bytes, percent) in metadata)
            Console.WriteLine($"  PMM metadata for {Size(ram)}: {bytes:N0} B = {percent:F4} % of RAM");

        Console.WriteLine("Faults (SimulatedMachine)");
        using (var rig = new FaultRig())
        {
            results.AddRange(timer.Measure("fault path", new RoundTimer.Subject[]
            {
                new("demand-zero fault", calls => { for (long i = 0; i < calls; i++) rig.FaultBatch(); },
                    FaultRig.BatchPages),
                new("touch mapped page", calls => { for (long i = 0; i < calls; i++) rig.TouchMapped(); }),
                new("zero 4 KiB frame", calls => { for (long i = 0; i < calls; i++) rig.ZeroFrame(); }),
            }));
        }

        Console.WriteLine("Overhead per small block (from heap statistics, not timed)");
        var overhead = OverheadReport.Measure();

        Directory.CreateDirectory(docsDirectory);
        string csv = Path.Combine(docsDirectory, "performance-results.csv");
        string png = Path.Combine(docsDirectory, "performance-allocators.png");
        CsvReport.Write(csv, results);
        AllocatorPlot.Write(png, results, [SmallChurn, MixedChurn],
            "MemOS heaps vs C allocators, 10,000 live blocks (host, --quick)");
        Console.WriteLine($"wrote {csv} and {png}");

        // The recorded programs' traces, then the charts of docs/charts/ from this run's numbers.
        string root = Path.GetDirectoryName(Path.GetFullPath(docsDirectory))!;
        var traces = TraceBenchmark.Run(root, docsDirectory, results);
        QuickCharts.Write(docsDirectory, results, PmmRamSizes.Select(r => (r, Size(r))).ToList(),
            traces.Select(t => t.Trace).Distinct().ToList());

        PrintTargets(results, metadata.First(m => m.Ram == 4 * PmmRig.GiB).Percent, overhead);
    }

    private static void PrintTargets(List<Measurement> results, double metadataPercent,
        OverheadReport.Overhead[] overhead)
    {
        // Ratio of medians, and of minimums (the least disturbed rounds) in parentheses.
        string Ratio(string group, string a, string b)
        {
            var x = results.FirstOrDefault(m => m.Group == group && m.Subject == a);
            var y = results.FirstOrDefault(m => m.Group == group && m.Subject == b);
            if (x.Subject is null || y.Subject is null) return "n/a (allocator missing)";
            return $"{x.MedianNs / y.MedianNs:F2}x (min/min {x.MinNs / y.MinNs:F2}x)";
        }

        Console.WriteLine("Targets (ratios within this run: medians, and minimums)");
        Console.WriteLine("  KernelHeap / mimalloc, small churn:   "
            + $"{Ratio(SmallChurn, AllocatorCatalog.KernelHeap, AllocatorCatalog.Mimalloc)} (target <= 1.5x)");
        Console.WriteLine("  KernelHeap / mimalloc, mixed churn:   "
            + $"{Ratio(MixedChurn, AllocatorCatalog.KernelHeap, AllocatorCatalog.Mimalloc)}");
        Console.WriteLine("  FirstFitHeap / KernelHeap, small:     "
            + $"{Ratio(SmallChurn, AllocatorCatalog.FirstFit, AllocatorCatalog.KernelHeap)} (target >= 10x)");
        Console.WriteLine("  FirstFitHeap / KernelHeap, mixed:     "
            + $"{Ratio(MixedChurn, AllocatorCatalog.FirstFit, AllocatorCatalog.KernelHeap)}");
        Console.WriteLine("  PMM 4 GiB / 128 MiB:                  "
            + $"{Ratio(PmmGroup, "4 GiB", "128 MiB")} (target <= 1.2x)");
        Console.WriteLine($"  PMM metadata at 4 GiB:                {metadataPercent:F4} % of RAM (target <= 0.1 %)");
        var steady = overhead.First(o => o.Heap == "KernelHeap" && o.When != "after fill");
        Console.WriteLine("  KernelHeap metadata per small block:  "
            + $"{(double)(steady.MetadataBytes + steady.SideTableBytes) / steady.Live:F1} B steady state"
            + " (headers + slab map; target <= 16 B)");
        Console.WriteLine($"  KernelHeap footprint per small block: {steady.PerBlock:F1} B steady state"
            + " ((heap size - used) / live: metadata + retained free space)");
    }

    private static string Size(ulong bytes)
        => bytes >= PmmRig.GiB ? $"{bytes / PmmRig.GiB} GiB" : $"{bytes / PmmRig.MiB} MiB";
}
