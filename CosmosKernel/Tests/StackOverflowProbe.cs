using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace MemOS.Kernel.Tests;

/// <summary>
/// Not a suite that returns: it overflows the kernel stack on purpose. The guard page below the stack turns the
/// overflow into a page fault the CPU cannot deliver on the same stack, so it raises a double fault on the IST stack,
/// and the panic report must say "kernel stack overflow". The host test watches for exactly that.
/// </summary>
internal static class StackOverflowProbe
{
    public static List<KernelTest> Tests()
        => [new("overflow_the_kernel_stack", () => Recurse(0) == 0 ? "unreachable" : "unreachable")];

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Recurse(int depth)
    {
        System.Span<byte> frame = stackalloc byte[512];
        frame[depth & 511] = (byte)depth;
        return Recurse(depth + 1) + frame[(depth + 1) & 511];
    }
}
