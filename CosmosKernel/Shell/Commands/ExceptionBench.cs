using System;
using System.Runtime.CompilerServices;
using MemOS.Kernel.Hardware;

namespace MemOS.Kernel.Shell.Commands;

/// <summary>
/// bench rows for exception dispatch: a throw caught one frame up and ten frames up (both passes of CoreLib's
/// dispatcher over MemOS's CFI unwinder, the catch funclet, the resume). The exception object is allocated once,
/// so the rows measure dispatch, not `new`.
/// </summary>
internal static class ExceptionBench
{
    public const int Iterations = 50;

    private sealed class BenchException() : Exception("bench");

    private static readonly BenchException s_exception = new();

    /// <summary>Cycles per throw-and-catch with `depth` frames between the catch and the throw.</summary>
    public static ulong ThrowAndCatch(int depth)
    {
        ulong t0 = Cpu.ReadTsc();
        for (int i = 0; i < Iterations; i++)
        {
            try { Down(depth); }
            catch (BenchException) { }
        }
        return (Cpu.ReadTsc() - t0) / Iterations;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Down(int depth)
    {
        if (depth <= 1) throw s_exception;
        return Down(depth - 1) + 1;
    }
}
