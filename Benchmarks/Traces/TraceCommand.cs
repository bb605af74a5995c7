using System;
using System.IO;

namespace MemOS.Benchmarks.Traces;

/// <summary>
/// `--traces`: replay the committed traces (time and peak footprint per allocator) and write
/// docs/performance-traces.csv; `--traces record`: record them again (needs gcc and the programs);
/// `--traces footprint FILE ALLOCATOR`: one replay in this process, printing its peak resident growth (the
/// replay runs this in a fresh process per trace and allocator).
/// </summary>
public static class TraceCommand
{
    public const string FootprintPrefix = "footprint-bytes ";

    public static int Run(string repositoryRoot, string[] args)
    {
        try
        {
            switch (args)
            {
                case []:
                    TraceBenchmark.Run(repositoryRoot, Path.Combine(repositoryRoot, "docs"));
                    return 0;
                case ["record"]:
                    return TraceRecorder.RecordAll(repositoryRoot);
                case ["footprint", string file, string allocator]:
                    Console.WriteLine(FootprintPrefix + Footprint(file, allocator));
                    return 0;
                default:
                    Console.Error.WriteLine("usage: --traces [record | footprint TRACE_FILE ALLOCATOR]");
                    return 2;
            }
        }
        catch (Exception e) when (e is InvalidDataException or InvalidOperationException or IOException)
        {
            Console.Error.WriteLine("traces: " + e.Message);
            return 1;
        }
    }

    /// <summary>
    /// Peak growth of this process's resident set while <paramref name="file"/> is replayed once against
    /// <paramref name="allocator"/>, sampled every 256 events and after each allocation of 64 KiB or more. The
    /// baseline is taken after the trace is loaded and the allocator made, so the number is what the replay
    /// made resident: the allocator's blocks as the program touched them, its metadata, and what it kept.
    /// </summary>
    public static long Footprint(string file, string allocator)
    {
        var replayer = new TraceReplayer(HeapTrace.Load(file));
        using var target = TraceTargets.Create(allocator, out string? problem)
            ?? throw new InvalidOperationException(problem);
        using var resident = new ResidentMemory();
        GC.Collect();
        long baseline = resident.Read();
        resident.Sample();
        replayer.Run(target, resident.Sample, keepLive: true);
        resident.Sample();
        replayer.FreeAll(target);
        return resident.Peak - baseline;
    }
}
