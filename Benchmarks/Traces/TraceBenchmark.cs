using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using MemOS.Benchmarks.Allocators;
using MemOS.Benchmarks.Reporting;

namespace MemOS.Benchmarks.Traces;

/// <summary>
/// The trace replay benchmark (mimalloc-bench is the model): each committed trace replayed against every
/// allocator, timed with the quick runner's interleaved rounds (ns per event, and per replay), and its peak
/// footprint measured in a fresh process per trace and allocator (<see cref="TraceCommand.Footprint"/>). Ratios
/// are to mimalloc, from this one run; the geomean is over the traces.
/// </summary>
public static class TraceBenchmark
{
    public const string GroupPrefix = "trace ";

    /// <summary>One trace against one allocator.</summary>
    public readonly record struct Result(string Trace, string Allocator, long Events, double MedianNs, double MinNs,
        long FootprintBytes, ulong PeakLiveBytes)
    {
        public double ReplayMs => MedianNs * Events / 1e6;
    }

    public static List<Result> Run(string repositoryRoot, string docsDirectory, List<Measurement>? timings = null)
    {
        var files = HeapTrace.Files(TraceRecorder.DataDirectory(repositoryRoot));
        if (files.Count == 0)
        {
            Console.WriteLine("note: no traces in Benchmarks/Traces/Data (record them: --traces record)");
            return [];
        }
        var allocators = TraceTargets.Available();
        // 15 rounds of at least 150 ms each, interleaved and rotated: two runs on a loaded machine differed by more
        // than KernelHeap's gap to mimalloc with 9 rounds of 60 ms (one replay of a large trace is longer than that).
        var timer = new RoundTimer(rounds: 15, roundBudget: TimeSpan.FromMilliseconds(150),
            warmup: TimeSpan.FromMilliseconds(300));
        var results = new List<Result>();
        Console.WriteLine("Traces: replay of recorded programs' heap calls (rounds interleaved across allocators)");
        foreach (string file in files)
        {
            var trace = HeapTrace.Load(file);
            var targets = new List<IReplayTarget>();
            var subjects = new List<RoundTimer.Subject>();
            foreach (string name in allocators)
            {
                var target = TraceTargets.Create(name, out _)!;
                var replayer = new TraceReplayer(trace);
                targets.Add(target);
                subjects.Add(new(name, calls => { for (long i = 0; i < calls; i++) replayer.Run(target); },
                    trace.Events.Length));
            }
            var measured = timer.Measure(GroupPrefix + trace.Name, subjects);
            timings?.AddRange(measured);
            foreach (var target in targets) target.Dispose();
            var model = TraceModel.Of(trace);
            foreach (var m in measured)
                results.Add(new Result(trace.Name, m.Subject, trace.Events.Length, m.MedianNs, m.MinNs,
                    MeasureFootprint(file, m.Subject), model.PeakLiveBytes));
        }
        Directory.CreateDirectory(docsDirectory);
        string csv = Path.Combine(docsDirectory, "performance-traces.csv");
        WriteCsv(csv, results);
        Print(results, allocators);
        Console.WriteLine($"wrote {csv}");
        return results;
    }

    /// <summary>Peak resident growth of one replay, in a child process of this program (see TraceCommand).
    /// </summary>
    private static long MeasureFootprint(string file, string allocator)
    {
        string exe = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        var start = new ProcessStartInfo(exe) { UseShellExecute = false, RedirectStandardOutput = true };
        if (Path.GetFileNameWithoutExtension(exe) == "dotnet")
            start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        foreach (var a in new[] { "--traces", "footprint", file, allocator }) start.ArgumentList.Add(a);
        using var child = Process.Start(start) ?? throw new InvalidOperationException("cannot start " + exe);
        string output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        var line = output.Split('\n')
            .FirstOrDefault(l => l.StartsWith(TraceCommand.FootprintPrefix, StringComparison.Ordinal));
        if (child.ExitCode != 0 || line is null)
            throw new InvalidOperationException(
                $"footprint of {Path.GetFileName(file)} on {allocator} failed:\n{output}");
        return long.Parse(line[TraceCommand.FootprintPrefix.Length..], CultureInfo.InvariantCulture);
    }

    private static void WriteCsv(string path, List<Result> results)
    {
        var csv = new StringBuilder("trace,allocator,events,median_ns_per_event,min_ns_per_event,median_ms_per_replay,"
            + "peak_footprint_bytes,peak_live_requested_bytes\n");
        foreach (var r in results)
            csv.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Trace},{r.Allocator},{r.Events},{r.MedianNs:F2},{r.MinNs:F2},{r.ReplayMs:F3},"
                + $"{r.FootprintBytes},{r.PeakLiveBytes}"));
        File.WriteAllText(path, csv.ToString());
    }

    /// <summary>The table docs/performance.md quotes: time per replay and peak footprint, each with its ratio to
    /// mimalloc, and the geomean of the ratios over the traces.</summary>
    private static void Print(List<Result> results, List<string> allocators)
    {
        Console.WriteLine("Trace replay: median ms per replay (ratio to mimalloc) | peak footprint MiB (ratio)");
        var header = new StringBuilder("| trace | events | peak live |");
        foreach (var a in allocators) header.Append($" {a} time | {a} footprint |");
        Console.WriteLine(header);
        Console.WriteLine("|---|---:|---:|" + string.Concat(allocators.Select(_ => "---:|---:|")));
        var timeRatios = allocators.ToDictionary(a => a, _ => new List<double>());
        var spaceRatios = allocators.ToDictionary(a => a, _ => new List<double>());
        foreach (var group in results.GroupBy(r => r.Trace))
        {
            var baseline = group.FirstOrDefault(r => r.Allocator == AllocatorCatalog.Mimalloc);
            var first = group.First();
            var row = new StringBuilder(string.Create(CultureInfo.InvariantCulture,
                $"| {first.Trace} | {first.Events:N0} | {Mib(first.PeakLiveBytes)} |"));
            foreach (var a in allocators)
            {
                var r = group.FirstOrDefault(x => x.Allocator == a);
                if (r.Allocator is null) { row.Append(" – | – |"); continue; }
                string time = r.ReplayMs.ToString("F2", CultureInfo.InvariantCulture);
                string space = Mib((ulong)Math.Max(r.FootprintBytes, 0));
                if (baseline.Allocator is not null)
                {
                    double t = r.MedianNs / baseline.MedianNs;
                    double s = Math.Max(r.FootprintBytes, 4096) / (double)Math.Max(baseline.FootprintBytes, 4096);
                    timeRatios[a].Add(t);
                    spaceRatios[a].Add(s);
                    time += string.Create(CultureInfo.InvariantCulture, $" ({t:F2}x)");
                    space += string.Create(CultureInfo.InvariantCulture, $" ({s:F2}x)");
                }
                row.Append($" {time} | {space} |");
            }
            Console.WriteLine(row);
        }
        var geo = new StringBuilder("| **geomean / mimalloc** | | |");
        foreach (var a in allocators)
            geo.Append(string.Create(CultureInfo.InvariantCulture,
                $" **{Geomean(timeRatios[a]):F2}x** | **{Geomean(spaceRatios[a]):F2}x** |"));
        Console.WriteLine(geo);
    }

    public static double Geomean(IReadOnlyCollection<double> values)
        => values.Count == 0 ? double.NaN : Math.Exp(values.Sum(Math.Log) / values.Count);

    private static string Mib(ulong bytes) => (bytes / (1024.0 * 1024.0)).ToString("F2", CultureInfo.InvariantCulture);
}
