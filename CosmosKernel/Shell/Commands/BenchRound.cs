namespace MemOS.Kernel.Shell.Commands;

/// <summary>
/// One timed round of a bench row: cycles/op (ulong.MaxValue: it could not run) and how many of its iterations did
/// not do the work the row names. A round with any such iteration timed something else, so its row says "failed".
/// </summary>
internal readonly record struct BenchRound(ulong Cycles, ulong Failed);
