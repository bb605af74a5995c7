namespace MemOS.Plugs;

/// <summary>
/// The MemOS services the PAL plugs need, installed by the kernel at boot (Plugs sits below the kernel and
/// cannot call it directly). Until installed, time stands still at zero and log lines are dropped.
/// </summary>
public static unsafe class PlatformHooks
{
    internal static delegate*<long> Nanoseconds;
    internal static delegate*<byte*, int, void> Log;

    public static void Install(delegate*<long> nanoseconds, delegate*<byte*, int, void> log)
    {
        Nanoseconds = nanoseconds;
        Log = log;
    }

    internal static long Now() => Nanoseconds == null ? 0 : Nanoseconds();
}
