using System;
using System.Diagnostics;
using System.IO;
using MemOS.Tests.Kernel;
using NUnit.Framework;

namespace MemOS.Tests.Suites;

/// <summary>
/// Source-level debugging: `./memos gdb --batch --break Namespace.Type.Method` boots MemOS under QEMU's gdb stub,
/// stops at that C# method and prints gdb's backtrace, which must name the C# files and lines (Debug builds pass -g
/// to ilc). Skipped where gdb is not installed (./memos setup installs it).
/// </summary>
[Category(KernelTestEnvironment.Category)]
[NonParallelizable]
public sealed class GdbSession
{
    [Test]
    public void Gdb_stops_at_a_CSharp_method_and_the_backtrace_names_files_and_lines()
    {
        KernelTestEnvironment.RequireQemu();
        if (!OnPath("gdb")) Assert.Ignore("gdb is not installed (./memos setup installs it)");
        string root = KernelImage.FindRepositoryRoot(TestContext.CurrentContext.TestDirectory);
        var start = new ProcessStartInfo(
            Path.Combine(root, "memos"), "gdb --batch --break MemOS.Kernel.Shell.Shell.Register")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = root,
        };
        using Process p = Process.Start(start)!;
        string output = p.StandardOutput.ReadToEndAsync().Result;
        string errors = p.StandardError.ReadToEndAsync().Result;
        Assert.That(p.WaitForExit(TimeSpan.FromMinutes(5)), Is.True, "memos gdb --batch did not finish");
        Assert.That(output,
            Does.Match(@"#0\s+MemOS_CosmosKernel_MemOS_Kernel_Shell_Shell__Register .* "
                + @"at \S+/CosmosKernel/Shell/Shell\.cs:\d+"),
            output + errors);
        Assert.That(output, Does.Match(@"#1\s+0x[0-9a-f]+ in \S+ .* at \S+/CosmosKernel/Kernel\.cs:\d+"),
            "the caller's frame names its line too");
    }

    private static bool OnPath(string tool)
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'))
            if (dir.Length > 0 && File.Exists(Path.Combine(dir, tool))) return true;
        return false;
    }
}
