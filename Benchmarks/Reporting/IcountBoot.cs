using System;
using System.Diagnostics;
using System.IO;

namespace MemOS.Benchmarks.Reporting;

/// <summary>
/// The kernel booted for an in-kernel measurement: `./memos boot -- -icount shift=0` (one instruction = one TSC tick)
/// with its serial console on redirected standard input and output, and the way to end it.
/// </summary>
internal static class IcountBoot
{
    public static Process Start(string repositoryRoot)
    {
        var start = new ProcessStartInfo(Path.Combine(repositoryRoot, "memos"))
        {
            WorkingDirectory = repositoryRoot,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[] { "boot", "--", "-icount", "shift=0" }) start.ArgumentList.Add(a);
        return Process.Start(start) ?? throw new InvalidOperationException("cannot start ./memos boot");
    }

    /// <summary>Quit QEMU (Ctrl+A X on its mon:stdio), or kill it if it does not end within 20 s.</summary>
    public static void Quit(Process qemu)
    {
        if (qemu.HasExited) return;
        qemu.StandardInput.Write("\u0001x");
        qemu.StandardInput.Flush();
        if (!qemu.WaitForExit(TimeSpan.FromSeconds(20))) qemu.Kill(entireProcessTree: true);
    }
}
