using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using ScottPlot;

namespace MemOS.Benchmarks.Reporting;

/// <summary>
/// Issue 13's "10,000 shell commands with the kernel heap's size bounded (plot the curve)". `--gc-curve [N]` boots
/// the kernel with `./memos boot -- -icount shift=0`, types N ordinary commands (the mix of the suite's
/// KernelHeapBoundSession, whose `heap` reports the kernel heap's size and used bytes every 13 commands) with
/// `gc` every 1,000 (`gc --types 40`, the live objects by type, after the first and the last thousand), and writes
/// docs/charts/gc-curve.csv, docs/charts/gc-curve-output.txt (every `gc` answer) and
/// docs/charts/kernel-heap-over-commands.png.
/// </summary>
public static partial class GcCurve
{
    public const string Chart = "kernel-heap-over-commands.png";
    private const int Every = 1_000;
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(5);

    private static readonly string[] Mix =
        ["help", "meminfo", "vmmap", "echo the quick brown fox", "heap", "pmm", "ps", "uptime", "faults", "heap check",
         "help gc", "bogus-command", "cpuinfo"];

    /// <summary>A point of the curve: after `Commands` commands, the heap's size and used bytes; AfterGc when it
    /// was read right after a `gc` (then Live is the live objects it left).</summary>
    public readonly record struct Point(int Commands, long SizeBytes, long UsedBytes, bool AfterGc, long Live);

    public static int Capture(string repositoryRoot, string docsDirectory, int commands)
    {
        using var qemu = IcountBoot.Start(repositoryRoot);
        var errors = qemu.StandardError.ReadToEndAsync();
        var console = new Console(qemu);
        var points = new List<Point>();
        var gcLog = new StringBuilder();
        string charts = Path.Combine(docsDirectory, "charts");
        Directory.CreateDirectory(charts);
        string stamp = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        try
        {
            console.WaitForPrompt();
            for (int i = 1; i <= commands; i++)
            {
                string command = Mix[i % Mix.Length];
                string output = console.Run(command);
                if (output.Contains("panic", StringComparison.OrdinalIgnoreCase))
                    throw new InvalidOperationException($"command {i} ({command}) panicked:\n{output}");
                if (command == "heap" && HeapFigures(output) is var (size, used))
                    points.Add(new Point(i, size, used, false, 0));
                if (i % Every != 0 && i != commands) continue;
                bool census = i == Every || i == commands;
                string gc = console.Run(census ? "gc --types 40" : "gc");
                gcLog.Append(CultureInfo.InvariantCulture, $"### after {i} commands\n{gc}\n");
                Match m = Collected().Match(gc);
                string heap = console.Run("heap");
                if (!m.Success || HeapFigures(heap) is not var (s, u))
                    throw new InvalidOperationException($"unexpected gc/heap output after {i} commands:\n{gc}\n{heap}");
                points.Add(new Point(i, s, u, true, long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)));
                System.Console.WriteLine($"{i} commands: heap {s / 1024} KiB, used after gc {u / 1024} KiB, "
                    + $"{m.Groups[1].Value} live");
                Write(charts, $"# ./memos boot -- -icount shift=0, {i} of {commands} commands ({stamp})", gcLog,
                    points, i); // after every thousand: a run cut short still leaves its curve
            }
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            System.Console.Error.WriteLine($"gc curve: {e.Message}\n{errors.Result}");
            return 1;
        }
        finally
        {
            IcountBoot.Quit(qemu);
        }
        System.Console.WriteLine($"wrote {Path.Combine(charts, Chart)}");
        return 0;
    }

    private static void Write(string charts, string header, StringBuilder gcLog, List<Point> points, int commands)
    {
        File.WriteAllText(Path.Combine(charts, "gc-curve-output.txt"), header + "\n" + gcLog);
        var csv = new StringBuilder("commands,heap_size_bytes,used_bytes,after_gc,live_objects\n");
        foreach (var p in points)
            csv.Append(CultureInfo.InvariantCulture,
                $"{p.Commands},{p.SizeBytes},{p.UsedBytes},{(p.AfterGc ? 1 : 0)},{p.Live}\n");
        File.WriteAllText(Path.Combine(charts, "gc-curve.csv"), csv.ToString());
        Plot(Path.Combine(charts, Chart), points, commands);
    }

    /// <summary>The kernel heap's size and used bytes as `heap` prints them, or null.</summary>
    internal static (long Size, long Used)? HeapFigures(string output)
    {
        Match m = HeapLines().Match(output);
        if (!m.Success) return null;
        return (long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture),
            long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    private static void Plot(string path, List<Point> points, int commands)
    {
        var plot = new Plot();
        var sampled = points.Where(p => !p.AfterGc).ToArray();
        var collected = points.Where(p => p.AfterGc).ToArray();
        var size = plot.Add.Scatter(sampled.Select(p => (double)p.Commands).ToArray(),
            sampled.Select(p => p.SizeBytes / 1024.0).ToArray());
        size.LegendText = "heap size (what `heap` reports every 13 commands)";
        size.MarkerSize = 0;
        size.Color = Colors.SteelBlue;
        var used = plot.Add.Scatter(sampled.Select(p => (double)p.Commands).ToArray(),
            sampled.Select(p => p.UsedBytes / 1024.0).ToArray());
        used.LegendText = "used (garbage accumulates until a collection at 4 MiB allocated)";
        used.MarkerSize = 0;
        used.Color = Colors.DarkOrange;
        var after = plot.Add.Scatter(collected.Select(p => (double)p.Commands).ToArray(),
            collected.Select(p => p.UsedBytes / 1024.0).ToArray());
        after.LegendText = "used right after each `gc`";
        after.LineWidth = 0;
        after.MarkerSize = 8;
        after.Color = Colors.Crimson;
        plot.Legend.IsVisible = true;
        plot.Legend.Alignment = Alignment.UpperRight;
        plot.Title($"Kernel heap over {commands:N0} shell commands (QEMU -icount shift=0)");
        plot.XLabel("shell commands");
        plot.YLabel("KiB");
        plot.Axes.SetLimitsY(0, Math.Max(1, points.Max(p => p.SizeBytes) / 1024.0) * 1.25);
        plot.SavePng(path, 1400, 600);
    }

    // The serial console: a command is typed with a carriage return and answered up to the next prompt.
    private sealed class Console(Process qemu)
    {
        private const string Prompt = "memos> ";
        private readonly StringBuilder _pending = new();
        private readonly char[] _buffer = new char[8192];

        public void WaitForPrompt() => ReadUntilPrompt(TimeSpan.FromMinutes(10));

        public string Run(string command)
        {
            qemu.StandardInput.Write(command + "\r");
            qemu.StandardInput.Flush();
            string answer = ReadUntilPrompt(CommandTimeout);
            int echo = answer.IndexOf('\n', StringComparison.Ordinal); // the command's echo comes first
            return (echo >= 0 ? answer[(echo + 1)..] : answer).Replace("\r", "", StringComparison.Ordinal);
        }

        private string ReadUntilPrompt(TimeSpan timeout)
        {
            var watch = Stopwatch.StartNew();
            while (true)
            {
                string text = _pending.ToString();
                int at = text.IndexOf(Prompt, StringComparison.Ordinal);
                if (at >= 0)
                {
                    _pending.Clear().Append(text.AsSpan(at + Prompt.Length));
                    return text[..at];
                }
                var read = qemu.StandardOutput.ReadAsync(_buffer, 0, _buffer.Length);
                TimeSpan left = timeout - watch.Elapsed;
                if (left <= TimeSpan.Zero || !read.Wait(left))
                    throw new TimeoutException($"no prompt within {timeout.TotalMinutes} min after:\n{text}");
                if (read.Result == 0) throw new InvalidOperationException("QEMU ended:\n" + text);
                _pending.Append(_buffer, 0, read.Result);
            }
        }
    }

    [GeneratedRegex(@"^gc: \d+ objects, \d+ freed \(.+\), (\d+) live;", RegexOptions.Multiline)]
    private static partial Regex Collected();

    [GeneratedRegex(@"size (\d+) B \(.*\)\n\s+used (\d+) B", RegexOptions.Multiline)]
    private static partial Regex HeapLines();
}
