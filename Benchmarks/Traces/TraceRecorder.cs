using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;

namespace MemOS.Benchmarks.Traces;

/// <summary>
/// `--traces record`: builds the LD_PRELOAD recorder (Recorder/memtrace.c) with gcc, runs each workload of
/// <see cref="TraceWorkloads"/> under it, keeps the trace of the process that made the most heap calls (cc1 for
/// gcc, the interpreter itself for python3...), and writes it to Benchmarks/Traces/Data/NAME.mtrace.gz.
/// </summary>
public static class TraceRecorder
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    /// <summary>Record every workload whose program is installed. 0 when at least one was recorded.</summary>
    public static int RecordAll(string repositoryRoot)
    {
        string data = DataDirectory(repositoryRoot);
        string work = Path.Combine(Path.GetTempPath(), $"memos-traces-{Environment.ProcessId}");
        Directory.CreateDirectory(work);
        Directory.CreateDirectory(data);
        try
        {
            string library = BuildRecorder(repositoryRoot, work);
            TraceWorkloads.WriteInputs(work, RecorderSource(repositoryRoot));
            int recorded = 0;
            foreach (var workload in TraceWorkloads.All(repositoryRoot))
            {
                string? program = FindOnPath(workload.Program);
                if (program is null)
                {
                    Console.WriteLine($"note: skipping {workload.Name}: {workload.Program} is not installed");
                    continue;
                }
                var trace = Record(workload, program, library, work);
                var model = TraceModel.Of(trace);
                string path = Path.Combine(data, workload.Name + ".mtrace.gz");
                trace.Save(path);
                Console.WriteLine($"  {workload.Name,-8} {model.Events,9:N0} events, {trace.Slots,7:N0} slots, "
                    + $"peak live {model.PeakLiveBytes / 1024.0:N0} KiB, {new FileInfo(path).Length / 1024.0:N0} KiB"
                    + $" -> {Path.GetRelativePath(repositoryRoot, path)}");
                recorded++;
            }
            return recorded > 0 ? 0 : 1;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    public static string DataDirectory(string repositoryRoot)
        => Path.Combine(repositoryRoot, "Benchmarks", "Traces", "Data");

    public static string RecorderSource(string repositoryRoot)
        => Path.Combine(repositoryRoot, "Benchmarks", "Traces", "Recorder", "memtrace.c");

    /// <summary>gcc -O2 -shared -fPIC: the recorder's .so in <paramref name="directory"/>; a clear error without gcc.
    /// </summary>
    public static string BuildRecorder(string repositoryRoot, string directory)
    {
        string gcc = FindOnPath("gcc") ?? throw new InvalidOperationException(
            "the trace recorder needs gcc (Debian: apt-get install gcc libc6-dev; ./memos setup installs it)");
        string library = Path.Combine(directory, "libmemtrace.so");
        var (exit, output) = Run(gcc, ["-O2", "-Wall", "-Werror", "-shared", "-fPIC", "-o", library,
            RecorderSource(repositoryRoot)], directory, null, null);
        if (exit != 0) throw new InvalidOperationException($"building the recorder failed:\n{output}");
        return library;
    }

    /// <summary>Run <paramref name="program"/> under the recorder in <paramref name="directory"/> and convert the
    /// raw file of its busiest process.</summary>
    public static HeapTrace Record(TraceWorkloads.Workload workload, string program, string library, string directory)
    {
        string raw = Path.Combine(directory, "raw-" + workload.Name);
        if (Directory.Exists(raw)) Directory.Delete(raw, recursive: true);
        Directory.CreateDirectory(raw);
        var (exit, output) = Run(program, workload.Arguments, directory, library, raw, workload.Environment);
        if (exit != 0)
            throw new InvalidOperationException($"{workload.Name} exited with {exit} under the recorder:\n{output}");
        var busiest = new DirectoryInfo(raw).GetFiles("*.raw").OrderByDescending(f => f.Length).FirstOrDefault()
            ?? throw new InvalidOperationException($"{workload.Name}: the recorder wrote nothing (is it preloaded?)");
        string process = Path.GetFileNameWithoutExtension(busiest.Name);
        process = process[(process.IndexOf('.', StringComparison.Ordinal) + 1)..];
        var trace = TraceConverter.Convert(busiest.FullName, workload.Name, "", out var dropped);
        string description = $"{workload.What} (process {process}; dropped: {dropped.FailedCalls} failed calls, "
            + $"{dropped.UnknownFrees} frees and {dropped.UnknownReallocs} reallocs of unseen blocks, "
            + $"{dropped.Reused} unseen frees)";
        return new HeapTrace(workload.Name, description, trace.Slots, trace.Events);
    }

    public static string? FindOnPath(string program)
    {
        // Debian's own python3 first: a version manager's shim may pick another interpreter.
        if (program == "python3" && File.Exists("/usr/bin/python3")) return "/usr/bin/python3";
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'))
        {
            if (dir.Length == 0) continue;
            string candidate = Path.Combine(dir, program);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    private static (int Exit, string Output) Run(string program, string[] arguments, string directory,
        string? preload, string? rawDirectory, Dictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = directory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        if (preload != null)
        {
            start.Environment["LD_PRELOAD"] = preload;
            start.Environment["MEMTRACE_DIR"] = rawDirectory;
        }
        // The .NET host's tunable is not the program's business; fixed locale for fixed output.
        start.Environment.Remove("GLIBC_TUNABLES");
        start.Environment["LC_ALL"] = "C";
        if (environment != null) foreach (var (k, v) in environment) start.Environment[k] = v;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start " + program);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{program} did not finish within {Timeout.TotalMinutes} minutes");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
