using System;
using System.IO;
using BenchmarkDotNet.Running;
using MemOS.Benchmarks;
using MemOS.Benchmarks.Suites;

// Host benchmarks of Memory/. `--quick`: bounded Stopwatch run that writes docs/; `--full`: BenchmarkDotNet's
// default job over every suite (long; extra arguments go to BenchmarkDotNet); `--list`: what exists; `--compare
// DIR`: this build against another build's Benchmarks (see BuildComparison), in one process; `--traces`: replay
// the recorded programs' heap traces (`--traces record` records them again; see Traces/TraceCommand);
// `--kernel-bench`: boot the kernel under -icount, run `bench`, save docs/kernel-bench-output.txt (the fault chart);
// `--gc-curve [N]`: boot it, type N shell commands (10,000), chart the kernel heap (docs/charts/, see GcCurve).
if (StaticTlsRelaunch.RelaunchIfNeeded(args) is int exitCode) return exitCode;

var suites = new[] { typeof(AllocatorBenchmarks), typeof(PmmBenchmarks), typeof(FaultBenchmarks) };
string mode = args.Length > 0 ? args[0] : "--help";
switch (mode)
{
    case "--quick":
        QuickRunner.Run(Path.Combine(RepositoryRoot(), "docs"));
        return 0;
    case "--full":
        BenchmarkSwitcher.FromTypes(suites).Run(args.Length > 1 ? args[1..] : ["--filter", "*"]);
        return 0;
    case "--kernel-bench":
        return MemOS.Benchmarks.Reporting.KernelBench.Capture(RepositoryRoot(), Path.Combine(RepositoryRoot(), "docs"));
    case "--gc-curve":
        return MemOS.Benchmarks.Reporting.GcCurve.Capture(RepositoryRoot(), Path.Combine(RepositoryRoot(), "docs"),
            args.Length > 1 && int.TryParse(args[1], out int n) && n > 0 ? n : 10_000);
    case "--traces":
        return MemOS.Benchmarks.Traces.TraceCommand.Run(RepositoryRoot(), args[1..]);
    case "--compare" when args.Length == 2:
        return MemOS.Benchmarks.Comparison.BuildComparison.Run(args[1]);
    case "--list":
        foreach (var suite in suites)
            foreach (var method in suite.GetMethods())
                if (method.IsDefined(typeof(BenchmarkDotNet.Attributes.BenchmarkAttribute), false))
                    Console.WriteLine($"{suite.Name}.{method.Name}");
        Console.WriteLine("allocators: " + string.Join(", ", MemOS.Benchmarks.Allocators.AllocatorCatalog.Available()));
        return 0;
    default:
        Console.WriteLine("usage: dotnet run -c Release --project Benchmarks -- "
            + "--quick | --full [BenchmarkDotNet args] | --list | --compare OTHER_BUILD_DIR | --traces [record]"
            + " | --kernel-bench | --gc-curve [COMMANDS]");
        return mode == "--help" ? 0 : 2;
}

// docs/ of the repository this program was built from: the first ancestor holding MemOS.sln.
static string RepositoryRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "MemOS.sln"))) return dir.FullName;
    return Directory.GetCurrentDirectory();
}
