using System.Collections.Generic;

namespace MemOS.Kernel.Tests;

/// <summary>The smallest suite: the kernel booted, C# runs, the console prints.</summary>
internal static class SmokeSuite
{
    public static List<KernelTest> Tests() =>
    [
        new("boot", () => null),
        new("timer_ticks", () => Hardware.Timer.Ticks > 0 ? null : "the PIT never ticked"),
    ];
}
