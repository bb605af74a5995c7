using System;
using System.Collections.Generic;
using System.Linq;
using ScottPlot;

namespace MemOS.Benchmarks.Reporting;

/// <summary>
/// The charts docs/performance.md shows (docs/charts/*.png), drawn with ScottPlot from the measurements of the run
/// that writes them: ns per operation by allocator, PMM cost against RAM size, and where a demand-zero fault's
/// instructions go (from the in-kernel bench table, <see cref="KernelBench"/>).
/// </summary>
public static class PerformanceCharts
{
    private static readonly Color[] Palette =
        [Colors.SteelBlue, Colors.DarkOrange, Colors.SeaGreen, Colors.Crimson, Colors.MediumPurple, Colors.Gray];

    /// <summary>Grouped bars: one group per workload, one bar per allocator, ns per operation (median).</summary>
    public static void NsPerOperation(string path, IReadOnlyList<Measurement> measurements,
        IReadOnlyList<(string Group, string Label)> workloads, IReadOnlyList<string> allocators, string title)
    {
        var plot = new Plot();
        var bars = new List<Bar>();
        int stride = allocators.Count + 1;
        for (int w = 0; w < workloads.Count; w++)
        {
            for (int a = 0; a < allocators.Count; a++)
            {
                var m = measurements.FirstOrDefault(x => x.Group == workloads[w].Group && x.Subject == allocators[a]);
                if (m.Subject is null) continue;
                bars.Add(new Bar
                {
                    Position = w * stride + a,
                    Value = m.MedianNs,
                    FillColor = Palette[a % Palette.Length],
                    Label = m.MedianNs >= 100 ? $"{m.MedianNs:F0}" : $"{m.MedianNs:F1}",
                });
            }
        }
        if (bars.Count == 0) return;
        var barPlot = plot.Add.Bars(bars);
        barPlot.ValueLabelStyle.FontSize = 9;
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (int w = 0; w < workloads.Count; w++)
            ticks.AddMajor(w * stride + (allocators.Count - 1) / 2.0, workloads[w].Label);
        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.SetLimits(-1, workloads.Count * stride - 1, 0, bars.Max(b => b.Value) * 1.2);
        for (int a = 0; a < allocators.Count; a++)
            plot.Legend.ManualItems.Add(
                new LegendItem { LabelText = allocators[a], FillColor = Palette[a % Palette.Length] });
        plot.Legend.IsVisible = true;
        plot.Legend.Alignment = Alignment.UpperCenter;
        plot.Legend.Orientation = Orientation.Horizontal;
        plot.Title(title);
        plot.YLabel("ns per operation (median of the rounds)");
        plot.SavePng(path, 1400, 600);
    }

    /// <summary>PMM single-frame alloc+free against RAM size (log2 axis): the median and the fastest round (the
    /// slowest is in the CSV: on a shared machine it is foreign load, and it would flatten the curve).</summary>
    public static void PmmByRamSize(string path, IReadOnlyList<(ulong RamBytes, Measurement Timing)> points,
        string title)
    {
        if (points.Count == 0) return;
        var plot = new Plot();
        double[] xs = points.Select(p => Math.Log2(p.RamBytes / (double)(1UL << 20))).ToArray();
        double[] medians = points.Select(p => p.Timing.MedianNs).ToArray();
        var line = plot.Add.Scatter(xs, medians);
        line.LegendText = "median";
        line.MarkerSize = 8;
        foreach (var (name, values) in new[]
        {
            ("fastest round", points.Select(p => p.Timing.MinNs).ToArray()),
        })
        {
            var bound = plot.Add.Scatter(xs, values);
            bound.LegendText = name;
            bound.LinePattern = LinePattern.Dotted;
            bound.Color = line.Color.WithAlpha(0.5);
            bound.MarkerSize = 4;
        }
        plot.Legend.IsVisible = true;
        plot.Legend.Alignment = Alignment.UpperLeft;
        for (int i = 0; i < points.Count; i++)
        {
            var label = plot.Add.Text($"{medians[i]:F0}", xs[i], medians[i]);
            label.LabelFontSize = 11;
            label.LabelOffsetX = 6;
            label.LabelOffsetY = -18;
        }
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (int i = 0; i < points.Count; i++) ticks.AddMajor(xs[i], points[i].Timing.Subject);
        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.SetLimits(xs.Min() - 0.5, xs.Max() + 0.5, 0, medians.Max() * 1.5);
        plot.Title(title);
        plot.XLabel("simulated RAM (log scale)");
        plot.YLabel("ns per alloc+free pair");
        plot.SavePng(path, 1000, 500);
    }

    /// <summary>
    /// Horizontal bars of the fault path's rows from the kernel's `bench` (instruction counts under icount), with
    /// the demand-zero fault without its zeroing. The rows overlap (the round trip includes a decision), so they
    /// are side by side, not stacked. Returns false when the table lacks a row.
    /// </summary>
    public static bool FaultBreakdown(string path, IReadOnlyList<KernelBench.Row> rows, string title)
    {
        long Find(string prefix) => rows.FirstOrDefault(r => r.Operation.StartsWith(prefix, StringComparison.Ordinal))
            .Cycles;
        long demand = Find("demand-zero fault"), zero = Find("zero one 4 KiB page");
        var items = new (string Label, long Value)[]
        {
            ("demand-zero fault (frame + zero + map)", demand),
            ("  of it: zeroing the page (rep stosb)", zero),
            ("  of it: everything but the zeroing", demand - zero),
            ("#PF round trip, refused (entry, handler, decision, iretq)", Find("#PF round trip")),
            ("step: resolver decision (demand write)", Find("fault step: resolver decision")),
            ("step: page-table map + unmap (invlpg)", Find("fault step: page-table map")),
            ("step: PMM frame alloc+free", Find("PMM frame alloc+free")),
        };
        if (items.Any(i => i.Value <= 0)) return false;
        var plot = new Plot();
        var bars = new List<Bar>();
        for (int i = 0; i < items.Length; i++)
        {
            int position = items.Length - 1 - i;
            bars.Add(new Bar
            {
                Position = position,
                Value = items[i].Value,
                FillColor = i == 0 ? Colors.Gray : i <= 2 ? Colors.SteelBlue : Colors.DarkOrange,
                Label = $"{items[i].Value:N0}",
            });
        }
        var barPlot = plot.Add.Bars(bars);
        barPlot.Horizontal = true;
        barPlot.ValueLabelStyle.FontSize = 11;
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (int i = 0; i < items.Length; i++) ticks.AddMajor(items.Length - 1 - i, items[i].Label);
        plot.Axes.Left.TickGenerator = ticks;
        plot.Axes.SetLimits(0, demand * 1.15, -0.7, items.Length - 0.3);
        plot.Title(title);
        plot.XLabel("instructions (TSC ticks under QEMU -icount shift=0), median of 5 rounds");
        plot.SavePng(path, 1200, 480);
        return true;
    }
}
