using System;
using System.Runtime;

namespace MemOS.Core;

/// <summary>
/// GC control, finalization and thread queries answered truthfully for a runtime with one CPU, one thread and a
/// non-moving, single-generation collector without finalizers: GC.Collect runs the collector the host installed;
/// nothing is ever finalized or suspended.
/// </summary>
internal static unsafe class GcControl
{
    [RuntimeExport("RhGetGcCollectionCount")] private static int CollectionCount(int generation, bool getSpecialGCCount)
        => generation == 0 ? (int)MarkSweepCollector.Collections : 0;
    [RuntimeExport("RhGetMaxGcGeneration")] private static int MaxGeneration() => 0;
    // Called during a collection (by code the collection runs), GC.Collect is deferred: one more runs after it.
    [RuntimeExport("RhpCollect")] private static void Collect(int generation, int mode, int lowMemoryP)
        => MarkSweepCollector.RequestCollection(deferred: true);
    [RuntimeExport("RhWaitForPendingFinalizers")]
    private static void WaitForPendingFinalizers(int allowReentrantWait) { }
    [RuntimeExport("RhSuppressFinalize")] private static void SuppressFinalize(IntPtr obj) { }
    [RuntimeExport("RhReRegisterForFinalize")] private static bool ReRegisterForFinalize(IntPtr obj) => true;
    [RuntimeExport("RhpGetNextFinalizableObject")] private static IntPtr NextFinalizableObject() => IntPtr.Zero;
    [RuntimeExport("RhpSignalFinalizationComplete")]
    private static void FinalizationComplete(uint count, int observed) { }
    [RuntimeExport("RhpStartNoGCRegion")]
    private static int StartNoGCRegion(long totalSize, int hasLohSize, long lohSize, int disallowFullBlockingGC) => 0;
    [RuntimeExport("RhpEndNoGCRegion")] private static int EndNoGCRegion() => 0;
    [RuntimeExport("RhGetKnobValues")]
    private static uint KnobValues(byte*** keys, byte*** values) { *keys = null; *values = null; return 0; }

    // No finalizer thread exists, so nothing can wait for one.
    [RuntimeExport("RhpWaitForFinalizerRequest")]
    private static uint WaitForFinalizerRequest() { RuntimeFatal.Unsupported("RhpWaitForFinalizerRequest"); return 0; }

    [RuntimeExport("RhCurrentOSThreadId")] private static ulong CurrentThreadId() => 1;
    [RuntimeExport("RhGetProcessCpuCount")] private static int CpuCount() => 1;
    [RuntimeExport("RhSetThreadExitCallback")] private static void SetThreadExitCallback(IntPtr callback) { }
    [RuntimeExport("RhpSetThreadDoNotTriggerGC")] private static void SetThreadDoNotTriggerGC() { }
    [RuntimeExport("RhYield")] private static int Yield() => 0;

    [RuntimeExport("RhSpinWait")]
    private static void SpinWait(int iterations)
    {
        for (int i = 0; i < iterations; i++) Pause();
    }

    [RuntimeExport("RhCreateCrashDumpIfEnabled")] private static void CreateCrashDump(IntPtr info) { }
    [RuntimeExport("RhGetCrashInfoBuffer")] private static byte* CrashInfoBuffer(int* size) { *size = 0; return null; }
    [RuntimeExport("RhGetRuntimeVersion")] private static byte* RuntimeVersion(int* size) { *size = 0; return null; }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.InternalCall)]
    [RuntimeImport("*", "cpu_pause")]
    private static extern void Pause();
}
