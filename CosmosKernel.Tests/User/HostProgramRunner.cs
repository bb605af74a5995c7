using System;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;
using NUnit.Framework;

namespace MemOS.Tests.User;

/// <summary>
/// Runs a program from programs.tar directly on the host: MemOS programs make only Linux x86_64 system calls (plus
/// MemOS's own two, which Linux answers with ENOSYS), so a Linux x86_64 host runs the very bytes MemOS loads.
/// Programs are extracted once per test run into a temporary folder.
/// </summary>
public static class HostProgramRunner
{
    public sealed record Outcome(int ExitCode, string Output, string Error)
    {
        /// <summary>The signal that killed it (.NET reports 128 + signal), or 0.</summary>
        public int Signal => ExitCode > 128 && ExitCode < 160 ? ExitCode - 128 : 0;
    }

    private static string? s_folder;

    public static void RequireLinuxX64()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.OSArchitecture != Architecture.X64)
            Assert.Ignore("the programs run directly only on a Linux x86_64 host");
    }

    /// <summary>Runs name with arguments (through /bin/sh when <paramref name="shellPrefix"/> is given, e.g. a
    /// ulimit).</summary>
    public static Outcome Run(string name, string arguments = "", string? shellPrefix = null, string? backing = null,
        string? input = null, int timeoutMs = 60_000)
    {
        RequireLinuxX64();
        if (!OperatingSystem.IsLinux()) return new Outcome(-1, "", ""); // (RequireLinuxX64 has ignored the test)
        string path = Extract(name);
        var start = shellPrefix == null
            ? new ProcessStartInfo(path, arguments)
            : new ProcessStartInfo("/bin/sh", new[] { "-c", $"{shellPrefix}; exec \"{path}\" {arguments}" });
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = true;
        start.UseShellExecute = false;
        start.WorkingDirectory = Path.GetDirectoryName(path)!;
        if (backing != null) start.Environment["MEMOS_BACKING"] = backing;
        using Process process = Process.Start(start)!;
        if (input != null) process.StandardInput.Write(input);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeoutMs))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{name} {arguments} did not end within {timeoutMs} ms");
        }
        process.WaitForExit();
        return new Outcome(process.ExitCode, output.Result, error.Result);
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static string Extract(string name)
    {
        if (s_folder == null)
        {
            string folder = Path.Combine(Path.GetTempPath(), $"memos-programs-{Environment.ProcessId}");
            Directory.CreateDirectory(folder);
            foreach (var e in ProgramArchive.Entries())
            {
                string file = Path.Combine(folder, e.Name);
                File.WriteAllBytes(file, e.Content);
                File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
            s_folder = folder;
            AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            {
                try { Directory.Delete(folder, true); } catch (IOException) { }
            };
        }
        return Path.Combine(s_folder, name);
    }
}
