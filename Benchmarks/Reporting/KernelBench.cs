using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.RegularExpressions;

namespace MemOS.Benchmarks.Reporting;

/// <summary>
/// The in-kernel `bench` table, where the fault path's instruction counts are measured. `--kernel-bench` boots
/// the kernel with `./memos boot -- -icount shift=0` (one instruction = one TSC tick), types `bench`, and saves the
/// console output as docs/kernel-bench-output.txt; <see cref="Parse"/> reads that file for the fault chart.
/// </summary>
public static partial class KernelBench
{
    public const string OutputFile = "kernel-bench-output.txt";
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(15);

    /// <summary>One row: the operation as `bench` names it, and its cycles (= instructions under icount).</summary>
    public readonly record struct Row(string Operation, long Cycles);

    public static int Capture(string repositoryRoot, string docsDirectory)
    {
        using var qemu = IcountBoot.Start(repositoryRoot);
        var errors = qemu.StandardError.ReadToEndAsync();
        var output = new StringBuilder();
        var watch = Stopwatch.StartNew();
        bool sent = false;
        string? table = null;
        var buffer = new char[4096];
        while (table is null)
        {
            var read = qemu.StandardOutput.ReadAsync(buffer, 0, buffer.Length);
            TimeSpan left = Timeout - watch.Elapsed;
            if (left <= TimeSpan.Zero || !read.Wait(left) || read.Result == 0) break;
            output.Append(buffer, 0, read.Result);
            string text = output.ToString();
            if (!sent && text.Contains("memos> ", StringComparison.Ordinal))
            {
                qemu.StandardInput.Write("bench\r");
                qemu.StandardInput.Flush();
                sent = true;
            }
            int header = text.IndexOf("bench: cycles", StringComparison.Ordinal);
            if (header >= 0 && BenchEnd().Match(text, header) is { Success: true } end)
                table = text[header..(end.Index + end.Length)].Replace("\r\n", "\n", StringComparison.Ordinal);
        }
        IcountBoot.Quit(qemu);
        if (table is null)
        {
            Console.Error.WriteLine($"kernel bench: no complete bench table within {Timeout.TotalMinutes} min:\n"
                + output + errors.Result);
            return 1;
        }
        string path = Path.Combine(docsDirectory, OutputFile);
        string stamp = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        File.WriteAllText(path, $"# ./memos boot -- -icount shift=0, then `bench` ({stamp}, git "
            + $"{GitHead(repositoryRoot)})\n{table}\n");
        Console.WriteLine(table);
        Console.WriteLine($"wrote {path}");
        return 0;
    }

    /// <summary>The rows of a captured `bench` output (rows that failed or have no number are left out).</summary>
    public static List<Row> Parse(string path)
    {
        var rows = new List<Row>();
        foreach (string line in File.ReadAllLines(path))
        {
            var m = RowPattern().Match(line);
            if (m.Success)
                rows.Add(new Row(m.Groups[1].Value.Trim(),
                    long.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture)));
        }
        return rows;
    }

    private static string GitHead(string root)
    {
        try
        {
            var git = Process.Start(new ProcessStartInfo("git", ["-C", root, "rev-parse", "--short", "HEAD"])
                { RedirectStandardOutput = true, UseShellExecute = false });
            string head = git?.StandardOutput.ReadToEnd().Trim() ?? "";
            git?.WaitForExit();
            return head.Length > 0 ? head : "unknown";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown";
        }
    }

    [GeneratedRegex(@"^\s{2,}(\S.*?)\s{2,}(\d+)\s+(\d+)\s*$")]
    private static partial Regex RowPattern();

    [GeneratedRegex(@"bench: \d+ ms")]
    private static partial Regex BenchEnd();
}
