using System;
using System.Runtime;

namespace MemOS.Core;

/// <summary>
/// Runtime entry points MemOS does not implement yet: each stops the machine with a panic naming itself.
/// See docs/runtime.md.
/// </summary>
internal static unsafe class UnsupportedRuntime
{
    // The asm trap stubs (one per unprovided symbol) land here with the symbol's name.
    [System.Runtime.InteropServices.UnmanagedCallersOnly(EntryPoint = "memos_unsupported")]
    private static void Unsupported(byte* name) => RuntimeFatal.Unsupported(new string((sbyte*)name));

    [RuntimeExport("RhpFallbackFailFast")] private static void FallbackFailFast()
        => RuntimeFatal.Stop("fail fast", "RhpFallbackFailFast");
    [RuntimeExport("RhpGetCurrentThreadStackTrace")]
    private static int CurrentThreadStackTrace(IntPtr buffer, uint length, UIntPtr context) => 0;
    [RuntimeExport("RhpGetThreadAbortException")] private static void ThreadAbortException()
        => RuntimeFatal.Unsupported("RhpGetThreadAbortException");
}
