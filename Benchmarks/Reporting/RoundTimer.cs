using System;
using System.Diagnostics;

namespace MemOS.Benchmarks.Reporting;

/// <summary>
/// The quick runner's timer: warm up (so the JIT has tiered up), size a round to a time budget, then time
/// several rounds and keep median/min/max. Cruder than BenchmarkDotNet, but bounded in time.
/// </summary>
public sealed class RoundTimer
{
    public RoundTimer(int rounds, TimeSpan roundBudget)
    {
        Rounds = rounds;
        RoundBudget = roundBudget;
    }

    public int Rounds { get; }

    public TimeSpan RoundBudget { get; }

    /// <summary>Nanoseconds per operation of <paramref name="run"/>, which is called with a number of calls to make.</summary>
    /// <param name="run">Performs the given number of calls.</param>
    /// <param name="opsPerCall">Operations one call stands for (e.g. 512 faults per batch).</param>
    public Measurement Measure(string group, string subject, Action<long> run, long opsPerCall = 1)
    {
        // Warm-up and calibration: double the calls until one run takes a tenth of the budget.
        long calls = 1;
        var watch = Stopwatch.StartNew();
        for (; ; calls *= 2)
        {
            watch.Restart();
            run(calls);
            if (watch.Elapsed.TotalMilliseconds * 10 >= RoundBudget.TotalMilliseconds || calls >= 1L << 40) break;
        }
        double perCall = Math.Max(watch.Elapsed.TotalMilliseconds / calls, 1e-7);
        long callsPerRound = Math.Max(1, (long)(RoundBudget.TotalMilliseconds / perCall));

        var samples = new double[Rounds];
        for (int r = 0; r < Rounds; r++)
        {
            watch.Restart();
            run(callsPerRound);
            samples[r] = watch.Elapsed.TotalNanoseconds / (callsPerRound * opsPerCall);
        }
        Array.Sort(samples);
        var m = new Measurement(group, subject, samples[Rounds / 2], samples[0], samples[^1], Rounds, callsPerRound * opsPerCall);
        Console.WriteLine($"  {group,-22} {subject,-14} {m.MedianNs,12:F1} ns/op  (min {m.MinNs:F1}, max {m.MaxNs:F1}, {Rounds} x {m.OpsPerRound} ops)");
        return m;
    }
}
