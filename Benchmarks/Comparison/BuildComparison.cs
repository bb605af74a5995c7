using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;

namespace MemOS.Benchmarks.Comparison;

/// <summary>
/// `--compare DIR`: this build against another build of Benchmarks (DIR = its bin/Release/net10.0, e.g. from
/// `git worktree add /tmp/before COMMIT`), in one process, rounds interleaved and their order alternated, so a burst
/// of foreign load on a shared machine hits both builds alike. Two separate runs of `--quick` cannot be compared
/// on such a machine: their ratios moved by 2x from run to run while the code was the same.
/// </summary>
/// <remarks>
/// Each build is loaded into its own AssemblyLoadContext (this one too, from its own directory), so both are
/// JIT-compiled alike and reached the same way: a delegate per workload, found by the type names the quick runner
/// has used since before issue 7 (KernelHeapAllocator + ChurnWorkload, FaultRig, PmmRig).
/// </remarks>
public static class BuildComparison
{
    private const int DefaultRounds = 31;
    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(1.5), Round = TimeSpan.FromMilliseconds(20);

    public static int Run(string otherDirectory, int rounds = DefaultRounds)
    {
        string thisDirectory = AppContext.BaseDirectory;
        if (!File.Exists(Path.Combine(otherDirectory, "Benchmarks.dll")))
        {
            Console.WriteLine($"--compare: no Benchmarks.dll in '{otherDirectory}' (build it with "
                + "`dotnet build -c Release Benchmarks` in that tree)");
            return 2;
        }
        var builds = new[]
        {
            new Build("other", Load(otherDirectory)),
            new Build("this", Load(thisDirectory)),
        };
        Console.WriteLine($"other = {Path.GetFullPath(otherDirectory)}");
        Console.WriteLine($"this  = {thisDirectory}");
        Console.WriteLine($"ns per operation, {rounds} interleaved rounds of {Round.TotalMilliseconds} ms each; "
            + "this / other as a ratio of medians (and of minimums)");
        foreach (var workload in Workloads)
        {
            var subjects = builds.Select(b => workload.Create(b.Assembly)).ToArray();
            var samples = Measure(subjects, workload.OpsPerCall, rounds);
            double[] median = samples.Select(Median).ToArray(), min = samples.Select(s => s.Min()).ToArray();
            Console.WriteLine($"  {workload.Name,-22} other {median[0],8:F1} (min {min[0],7:F1})   "
                + $"this {median[1],8:F1} (min {min[1],7:F1})   this/other {median[1] / median[0]:F2} "
                + $"(min/min {min[1] / min[0]:F2})");
        }
        return 0;
    }

    private readonly record struct Build(string Label, Assembly Assembly);

    private readonly record struct Workload(string Name, int OpsPerCall, Func<Assembly, Action<int>> Create);

    private static readonly Workload[] Workloads =
    [
        new("small churn", 1000, a => Churn(a, "Small")),
        new("mixed sizes churn", 1000, a => Churn(a, "Mixed")),
        new("pmm alloc+free 128 MiB", 1000, a => Pmm(a, 128UL << 20)),
        new("pmm alloc+free 4 GiB", 1000, a => Pmm(a, 4UL << 30)),
        new("touch mapped page", 10_000, a => Repeat(a, "MemOS.Benchmarks.Faults.FaultRig", "TouchMapped", [])),
    ];

    // Samples[build][round], ns per operation.
    private static List<double>[] Measure(Action<int>[] subjects, int opsPerCall, int rounds)
    {
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed < Warmup)
            foreach (var run in subjects) run(opsPerCall);
        var samples = subjects.Select(_ => new List<double>()).ToArray();
        var watch = new Stopwatch();
        for (int r = 0; r < rounds; r++)
        {
            for (int k = 0; k < subjects.Length; k++)
            {
                int i = r % 2 == 0 ? k : subjects.Length - 1 - k; // alternate who goes first
                long calls = 0;
                watch.Restart();
                while (watch.Elapsed < Round)
                {
                    subjects[i](opsPerCall);
                    calls++;
                }
                samples[i].Add(watch.Elapsed.TotalNanoseconds / (calls * opsPerCall));
            }
        }
        return samples;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted[sorted.Count / 2];
    }

    private static Assembly Load(string directory)
        => new BuildContext(directory).LoadFromAssemblyPath(Path.Combine(Path.GetFullPath(directory),
            "Benchmarks.dll"));

    private static Action<int> Churn(Assembly a, string distribution)
    {
        var allocator = Activator.CreateInstance(Type(a, "MemOS.Benchmarks.Allocators.KernelHeapAllocator"),
            1UL << 30);
        var churn = Type(a, "MemOS.Benchmarks.Workloads.ChurnWorkload");
        var work = Activator.CreateInstance(churn, allocator,
            Enum.Parse(Type(a, "MemOS.Benchmarks.Workloads.SizeDistribution"), distribution), 10_000)!;
        churn.GetMethod("Fill")!.Invoke(work, null);
        return (Action<int>)Delegate.CreateDelegate(typeof(Action<int>), work, churn.GetMethod("Run")!);
    }

    private static Action<int> Pmm(Assembly a, ulong ram)
        => Repeat(a, "MemOS.Benchmarks.Physical.PmmRig", "AllocateAndFree", [ram]);

    private static Action<int> Repeat(Assembly a, string typeName, string method, object[] arguments)
    {
        var type = Type(a, typeName);
        var target = Activator.CreateInstance(type, arguments)!;
        var once = (Action)Delegate.CreateDelegate(typeof(Action), target, type.GetMethod(method)!);
        return n =>
        {
            for (int i = 0; i < n; i++) once();
        };
    }

    private static Type Type(Assembly a, string name)
        => a.GetType(name) ?? throw new InvalidOperationException($"{a.Location} has no type {name}");

    // Resolves a build's own assemblies (Memory, TestSupport) from its directory; the framework stays shared.
    private sealed class BuildContext(string directory) : AssemblyLoadContext("build " + directory)
    {
        protected override Assembly? Load(AssemblyName name)
        {
            string path = Path.Combine(Path.GetFullPath(directory), name.Name + ".dll");
            return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }
    }
}
