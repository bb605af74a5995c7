using System.Runtime;

namespace MemOS.Core;

/// <summary>Where the (one) kernel stack is, for RuntimeHelpers.EnsureSufficientExecutionStack and friends.</summary>
public static unsafe class StackBounds
{
    private static ulong s_low, s_high;

    /// <summary>The kernel tells the runtime where its stack is (Core knows nothing of MemOS's layout).</summary>
    public static void Set(ulong low, ulong high)
    {
        s_low = low;
        s_high = high;
    }

    [RuntimeExport("RhGetCurrentThreadStackBounds")]
    private static void Get(ulong* low, ulong* high)
    {
        *low = s_low;
        *high = s_high;
    }
}
