using System;
using System.Runtime.CompilerServices;

/// <summary>
/// `stack`: recursion without end, 1 KiB of stack per call, reporting its depth every 256 KiB. The user stack grows
/// on demand until the guard page below it: that fault must kill this process alone (a stack overflow report), and
/// the prompt returns. If the recursion ever ends, the process says so and exits with 1.
/// </summary>
internal static unsafe class Program
{
    private static ulong s_top;

    private static int Main(string[] args)
    {
        byte marker = 0;
        s_top = (ulong)&marker;
        Console.WriteLine($"stack: recursing from rsp ~0x{s_top:x}, 1 KiB per call, until the guard page");
        ulong depth = Recurse(1);
        Console.WriteLine($"stack: the recursion returned at depth {depth}: no guard page stopped it");
        return 1;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ulong Recurse(ulong depth)
    {
        byte* frame = stackalloc byte[1024];
        frame[0] = (byte)depth;
        frame[1023] = (byte)depth;
        if (depth % 256 == 0)
            Console.WriteLine(
                $"stack: depth {depth}, {(s_top - (ulong)frame) / 1024} KiB used, rsp ~0x{(ulong)frame:x}");
        if (depth == ulong.MaxValue) return depth;
        return Recurse(depth + 1) + frame[512]; // uses the frame after the call: no tail call
    }
}
