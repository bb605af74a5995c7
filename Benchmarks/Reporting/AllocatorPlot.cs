using System;
using System.Collections.Generic;
using System.Linq;
using ScottPlot;

namespace MemOS.Benchmarks.Reporting;

/// <summary>
/// Bar chart of ns per alloc+free pair, allocators side by side, one bar per workload. The axis is logarithmic:
/// the first-fit baseline is orders of magnitude slower and would flatten every other bar on a linear one.
/// </summary>
public static class AllocatorPlot
{
    public static void Write(string path, IReadOnlyList<Measurement> measurements, IReadOnlyList<string> groups,
        string title)
    {
        var subjects = measurements.Where(m => groups.Contains(m.Group)).Select(m => m.Subject).Distinct().ToList();
        var palette = new[] { Colors.SteelBlue, Colors.DarkOrange, Colors.SeaGreen };
        var plot = new Plot();
        var bars = new List<Bar>();
        for (int s = 0; s < subjects.Count; s++)
        {
            for (int g = 0; g < groups.Count; g++)
            {
                var m = measurements.FirstOrDefault(x => x.Group == groups[g] && x.Subject == subjects[s]);
                if (m.Subject is null) continue;
                bars.Add(new Bar
                {
                    Position = s * (groups.Count + 1) + g,
                    Value = Math.Log10(m.MedianNs),
                    FillColor = palette[g % palette.Length],
                    Label = m.MedianNs >= 100 ? $"{m.MedianNs:F0}" : $"{m.MedianNs:F1}",
                });
            }
        }
        var barPlot = plot.Add.Bars(bars);
        barPlot.ValueLabelStyle.FontSize = 11;

        double top = Math.Ceiling(bars.Max(b => b.Value) + 0.3);
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (int p = 0; p <= top; p++)
            ticks.AddMajor(p, p switch
            {
                0 => "1 ns", 1 => "10 ns", 2 => "100 ns", 3 => "1 µs", 4 => "10 µs", 5 => "100 µs", 6 => "1 ms",
                _ => $"1e{p} ns",
            });
        plot.Axes.Left.TickGenerator = ticks;
        var names = new ScottPlot.TickGenerators.NumericManual();
        for (int s = 0; s < subjects.Count; s++)
            names.AddMajor(s * (groups.Count + 1) + (groups.Count - 1) / 2.0, subjects[s]);
        plot.Axes.Bottom.TickGenerator = names;
        plot.Axes.SetLimits(-1, subjects.Count * (groups.Count + 1) - 1, 0, top);

        for (int g = 0; g < groups.Count; g++)
            plot.Legend.ManualItems.Add(
                new LegendItem { LabelText = groups[g], FillColor = palette[g % palette.Length] });
        plot.Legend.IsVisible = true;
        plot.Legend.Alignment = Alignment.UpperLeft;
        plot.Title(title);
        plot.YLabel("ns per alloc+free pair (log scale, median)");
        plot.SavePng(path, 1000, 560);
    }
}
