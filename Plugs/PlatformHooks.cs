using System;

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

    internal static delegate*<IntPtr, ulong, int, int, IntPtr, long, IntPtr> Map;
    internal static delegate*<IntPtr, ulong, int, int> Protect;
    internal static delegate*<IntPtr, ulong, int> Unmap;

    /// <summary>SystemNative_MMap/MProtect/MUnmap (a user process's runtime has them; the kernel does not).</summary>
    public static void InstallMemoryMapping(delegate*<IntPtr, ulong, int, int, IntPtr, long, IntPtr> map,
        delegate*<IntPtr, ulong, int, int> protect, delegate*<IntPtr, ulong, int> unmap)
    {
        Map = map;
        Protect = protect;
        Unmap = unmap;
    }

    internal static long Now() => Nanoseconds == null ? 0 : Nanoseconds();
}
