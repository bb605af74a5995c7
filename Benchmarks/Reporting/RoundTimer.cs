using System;
using System.Collections.Generic;
using System.Diagnostics;

namespace MemOS.Benchmarks.Reporting;

/// <summary>
/// The quick runner's timer. Each subject is warmed up (JIT tiering, host page commits of fresh arenas), a round
/// is sized to a time budget, and then the subjects of one group take their rounds in turn, interleaved: on a
/// shared, noisy machine a burst of foreign load then hits every subject alike, which keeps ratios honest.
/// Median, min and max per subject. Cruder than BenchmarkDotNet, but bounded in time.
/// </summary>
public sealed class RoundTimer
{
    public RoundTimer(int rounds, TimeSpan roundBudget, TimeSpan warmup)
    {
        Rounds = rounds;
        RoundBudget = roundBudget;
        Warmup = warmup;
    }

    public int Rounds { get; }

    public TimeSpan RoundBudget { get; }

    public TimeSpan Warmup { get; }

    /// <summary>What to time: <see cref="Run"/>(n) makes n calls, each standing for <see cref="OpsPerCall"/>
    /// operations.</summary>
    public readonly record struct Subject(string Name, Action<long> Run, long OpsPerCall = 1);

    /// <summary>Nanoseconds per operation of each subject, their rounds interleaved.</summary>
    public List<Measurement> Measure(string group, IReadOnlyList<Subject> subjects)
    {
        var calls = new long[subjects.Count];
        for (int i = 0; i < subjects.Count; i++) calls[i] = Calibrate(subjects[i].Run);

        var samples = new double[subjects.Count][];
        for (int i = 0; i < subjects.Count; i++) samples[i] = new double[Rounds];
        var watch = new Stopwatch();
        for (int r = 0; r < Rounds; r++)
        {
            // Each round starts with the next subject, so none is always the one run after the same neighbour.
            for (int j = 0; j < subjects.Count; j++)
            {
                int i = (r + j) % subjects.Count;
                watch.Restart();
                subjects[i].Run(calls[i]);
                samples[i][r] = watch.Elapsed.TotalNanoseconds / (calls[i] * subjects[i].OpsPerCall);
            }
        }

        var results = new List<Measurement>();
        for (int i = 0; i < subjects.Count; i++)
        {
            Array.Sort(samples[i]);
            var m = new Measurement(group, subjects[i].Name, samples[i][Rounds / 2], samples[i][0], samples[i][^1],
                Rounds, calls[i] * subjects[i].OpsPerCall);
            Console.WriteLine($"  {group,-22} {m.Subject,-18} {m.MedianNs,11:F1} ns/op"
                + $"  (min {m.MinNs:F1}, max {m.MaxNs:F1}, {Rounds} x {m.OpsPerRound} ops)");
            results.Add(m);
        }
        return results;
    }

    /// <summary>Run for the warm-up time, doubling the calls, then size a round to the budget.</summary>
    private long Calibrate(Action<long> run)
    {
        var total = Stopwatch.StartNew();
        var one = new Stopwatch();
        long calls = 1;
        double perCall = 0;
        while (true)
        {
            one.Restart();
            run(calls);
            perCall = Math.Max(one.Elapsed.TotalMilliseconds / calls, 1e-7);
            if (total.Elapsed >= Warmup || calls >= 1L << 40) break;
            if (one.Elapsed.TotalMilliseconds * 4 < RoundBudget.TotalMilliseconds) calls *= 2;
        }
        return Math.Max(1, (long)(RoundBudget.TotalMilliseconds / perCall));
    }
}
