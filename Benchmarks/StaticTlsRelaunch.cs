using System;
using System.Diagnostics;
using System.IO;
using System.Reflection;

namespace MemOS.Benchmarks;

/// <summary>
/// Debian's libjemalloc.so.2 uses initial-exec TLS, so a plain dlopen of it fails with "cannot allocate memory
/// in static TLS block". glibc reserves extra static TLS only when told at process start (a tunable), so on
/// Linux the program restarts itself once with that tunable set. BenchmarkDotNet's child processes inherit it.
/// </summary>
public static class StaticTlsRelaunch
{
    private const string Tunable = "glibc.rtld.optional_static_tls=16384";

    /// <summary>The child's exit code after a relaunch, or null when this process can go on itself.</summary>
    public static int? RelaunchIfNeeded(string[] args)
    {
        if (!OperatingSystem.IsLinux()) return null;
        string current = Environment.GetEnvironmentVariable("GLIBC_TUNABLES") ?? "";
        if (current.Contains("optional_static_tls", StringComparison.Ordinal)) return null;
        string? exe = Environment.ProcessPath;
        if (exe is null) return null;

        var start = new ProcessStartInfo(exe) { UseShellExecute = false };
        // Under `dotnet app.dll` the process is the host: pass the assembly again.
        if (Path.GetFileNameWithoutExtension(exe) == "dotnet")
            start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["GLIBC_TUNABLES"] = current.Length == 0 ? Tunable : current + ":" + Tunable;
        using var child = Process.Start(start);
        if (child is null) return null;
        child.WaitForExit();
        return child.ExitCode;
    }
}
