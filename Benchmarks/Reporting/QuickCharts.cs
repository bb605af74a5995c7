using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MemOS.Benchmarks.Allocators;
using MemOS.Benchmarks.Traces;

namespace MemOS.Benchmarks.Reporting;

/// <summary>The quick run's charts, in docs/charts/ (see <see cref="PerformanceCharts"/>).</summary>
public static class QuickCharts
{
    public const string Directory = "charts";

    public static void Write(string docsDirectory, IReadOnlyList<Measurement> results,
        IReadOnlyList<(ulong Ram, string Name)> ramSizes, IReadOnlyList<string> traces)
    {
        string charts = Path.Combine(docsDirectory, Directory);
        System.IO.Directory.CreateDirectory(charts);

        var workloads = new List<(string Group, string Label)>
        {
            (QuickRunner.SmallChurn, "small churn 16-256 B"), (QuickRunner.MixedChurn, "mixed 16 B-64 KiB"),
        };
        workloads.AddRange(traces.Select(t => (TraceBenchmark.GroupPrefix + t, "trace: " + t)));
        string allocators = Path.Combine(charts, "ns-per-operation.png");
        PerformanceCharts.NsPerOperation(allocators, results, workloads, TraceTargets.Names,
            "ns per operation by allocator (churn: alloc+free pair; trace: one heap call), host, --quick");

        var pmm = new List<(ulong, Measurement)>();
        foreach (var (ram, name) in ramSizes)
        {
            var m = results.FirstOrDefault(r => r.Group == QuickRunner.PmmGroup && r.Subject == name);
            if (m.Subject is not null) pmm.Add((ram, m));
        }
        string pmmPath = Path.Combine(charts, "pmm-by-ram-size.png");
        PerformanceCharts.PmmByRamSize(pmmPath, pmm,
            "PMM single-frame alloc+free against RAM size (host, simulated RAM, --quick)");
        Console.WriteLine($"wrote {allocators} and {pmmPath}");

        string bench = Path.Combine(docsDirectory, KernelBench.OutputFile);
        string faults = Path.Combine(charts, "fault-instructions.png");
        if (!File.Exists(bench))
            Console.WriteLine($"note: no {bench} (capture it with --kernel-bench): fault chart not drawn");
        else if (PerformanceCharts.FaultBreakdown(faults, KernelBench.Parse(bench),
            "Where a demand-zero fault's instructions go (in-kernel bench, " + File.ReadLines(bench).First()
                .Split(" (")[^1].Split(", git")[0].TrimEnd(')') + ")"))
            Console.WriteLine($"wrote {faults} (from {bench})");
        else
            Console.WriteLine($"note: {bench} lacks a fault row: fault chart not drawn");
    }
}
