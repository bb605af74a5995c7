using System;
using System.Runtime;
using MemOS.Core;

namespace MemOS.Plugs;

/// <summary>
/// libSystem.Native as CoreLib calls it (ilc binds these directly with --directpinvoke): memory goes to the kernel
/// heap, time to the kernel clock, and locks are trivial on one CPU with no threads to wait for.
/// </summary>
internal static unsafe class SystemNative
{
    private static int s_errno;
    private static ulong s_random;
    private static int s_monitors;

    [RuntimeExport("SystemNative_Malloc")] private static void* Malloc(nuint size)
        => ManagedAllocator.AllocateNative(size == 0 ? 1 : size);
    [RuntimeExport("SystemNative_Free")] private static void Free(void* pointer)
        => ManagedAllocator.FreeNative(pointer);
    [RuntimeExport("SystemNative_Realloc")] private static void* Realloc(void* pointer, nuint size)
        => ManagedAllocator.ReallocateNative(pointer, size);
    [RuntimeExport("SystemNative_AlignedAlloc")] private static void* AlignedAlloc(nuint alignment, nuint size)
        => ManagedAllocator.AllocateNative(size == 0 ? 1 : size, alignment);
    [RuntimeExport("SystemNative_AlignedFree")] private static void AlignedFree(void* pointer)
        => ManagedAllocator.FreeNative(pointer);

    // Stopwatch.Frequency on Unix is 1e9: timestamps are nanoseconds.
    [RuntimeExport("SystemNative_GetTimestamp")] private static long Timestamp() => PlatformHooks.Now();
    [RuntimeExport("SystemNative_GetLowResolutionTimestamp")] private static long LowResolutionTimestamp()
        => PlatformHooks.Now() / 1_000_000;

    [RuntimeExport("SystemNative_GetEnv")] private static IntPtr GetEnv(byte* name) => IntPtr.Zero;
    [RuntimeExport("SystemNative_GetErrNo")] private static int GetErrNo() => s_errno;
    [RuntimeExport("SystemNative_SetErrNo")] private static void SetErrNo(int value) => s_errno = value;
    [RuntimeExport("SystemNative_SchedGetCpu")] private static int SchedGetCpu() => 0;

    [RuntimeExport("SystemNative_GetNonCryptographicallySecureRandomBytes")]
    private static void RandomBytes(byte* buffer, int length)
    {
        s_random ^= (ulong)PlatformHooks.Now() ^ 0x9E3779B97F4A7C15;
        for (int i = 0; i < length; i++)
        {
            s_random ^= s_random << 13;
            s_random ^= s_random >> 7;
            s_random ^= s_random << 17;
            buffer[i] = (byte)s_random;
        }
    }

    // One CPU, one thread: a monitor is never contended, and waiting on one could never end.
    [RuntimeExport("SystemNative_LowLevelMonitor_Create")] private static IntPtr MonitorCreate()
        => (IntPtr)(++s_monitors);
    [RuntimeExport("SystemNative_LowLevelMonitor_Destroy")] private static void MonitorDestroy(IntPtr monitor) { }
    [RuntimeExport("SystemNative_LowLevelMonitor_Acquire")] private static void MonitorAcquire(IntPtr monitor) { }
    [RuntimeExport("SystemNative_LowLevelMonitor_Release")] private static void MonitorRelease(IntPtr monitor) { }
    [RuntimeExport("SystemNative_LowLevelMonitor_Signal_Release")]
    private static void MonitorSignalRelease(IntPtr monitor) { }
    [RuntimeExport("SystemNative_LowLevelMonitor_Wait")] private static void MonitorWait(IntPtr monitor)
        => RuntimeFatal.Stop("deadlock", "a wait on a monitor with no other thread to signal it");
    [RuntimeExport("SystemNative_LowLevelMonitor_TimedWait")]
    private static int MonitorTimedWait(IntPtr monitor, int milliseconds) => 0;

    [RuntimeExport("SystemNative_Abort")] private static void Abort()
        => RuntimeFatal.Stop("abort", "SystemNative_Abort");

    [RuntimeExport("SystemNative_LogError")]
    private static void LogError(byte* message, int length)
    {
        if (PlatformHooks.Log != null) PlatformHooks.Log(message, length);
    }

    // Mappings through the PAL (CoreLib's frozen-object heap reserves with mmap): in a user process the runtime
    // installs them (PlatformHooks.InstallMemoryMapping, PAL flag values passed through); the kernel has none, its VMM
    // is reached through its own API. Failure is MAP_FAILED (-1) and -1, as libSystem.Native returns.
    [RuntimeExport("SystemNative_MMap")]
    private static IntPtr MMap(IntPtr address, ulong length, int protections, int flags, IntPtr fd, long offset)
    {
        if (PlatformHooks.Map == null) RuntimeFatal.Unsupported("SystemNative_MMap");
        return PlatformHooks.Map(address, length, protections, flags, fd, offset);
    }

    [RuntimeExport("SystemNative_MProtect")]
    private static int MProtect(IntPtr address, ulong length, int protections)
    {
        if (PlatformHooks.Protect == null) RuntimeFatal.Unsupported("SystemNative_MProtect");
        return PlatformHooks.Protect(address, length, protections);
    }

    [RuntimeExport("SystemNative_MUnmap")]
    private static int MUnmap(IntPtr address, ulong length)
    {
        if (PlatformHooks.Unmap == null) RuntimeFatal.Unsupported("SystemNative_MUnmap");
        return PlatformHooks.Unmap(address, length);
    }
}
