using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace MemOS.Benchmarks.Reporting;

/// <summary>The quick run's measurements as CSV (invariant culture, one row per measurement).</summary>
public static class CsvReport
{
    public static void Write(string path, IReadOnlyList<Measurement> measurements)
    {
        var csv = new StringBuilder("group,subject,median_ns,min_ns,max_ns,rounds,ops_per_round\n");
        foreach (var m in measurements)
            csv.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"{m.Group},{m.Subject},{m.MedianNs:F2},{m.MinNs:F2},{m.MaxNs:F2},{m.Rounds},{m.OpsPerRound}"));
        File.WriteAllText(path, csv.ToString());
    }
}
