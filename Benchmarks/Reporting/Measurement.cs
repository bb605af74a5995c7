namespace MemOS.Benchmarks.Reporting;

/// <summary>One timed result of the quick runner: nanoseconds per operation over several rounds.</summary>
/// <param name="Group">What was measured (e.g. "small churn"); rows of one group are compared with each other.</param>
/// <param name="Subject">Who was measured (an allocator, a RAM size, a path).</param>
/// <param name="MedianNs">Median of the rounds: the number the docs use (robust on a shared machine).</param>
/// <param name="MinNs">Fastest round: the least disturbed by other load.</param>
/// <param name="MaxNs">Slowest round: how noisy it was.</param>
public readonly record struct Measurement(
    string Group, string Subject, double MedianNs, double MinNs, double MaxNs, int Rounds, long OpsPerRound);
