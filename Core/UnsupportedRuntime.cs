using System;
using System.Runtime;

namespace MemOS.Core;

/// <summary>
/// Runtime entry points MemOS does not implement yet: each stops the machine with a panic naming itself.
/// Exception dispatch (the native half of throw/catch) is the largest of them; see docs/runtime.md.
/// </summary>
internal static unsafe class UnsupportedRuntime
{
    // The asm trap stubs (one per unprovided symbol) land here with the symbol's name.
    [System.Runtime.InteropServices.UnmanagedCallersOnly(EntryPoint = "memos_unsupported")]
    private static void Unsupported(byte* name) => RuntimeFatal.Unsupported(new string((sbyte*)name));

    [RuntimeExport("RhpThrowEx")]
    private static void ThrowEx(Exception exception)
        => RuntimeFatal.Stop("unhandled exception (MemOS has no exception dispatch yet)", exception is null ? "null" : exception.Message);

    [RuntimeExport("RhpRethrow")] private static void Rethrow() => RuntimeFatal.Unsupported("RhpRethrow");
    [RuntimeExport("RhpFallbackFailFast")] private static void FallbackFailFast() => RuntimeFatal.Stop("fail fast", "RhpFallbackFailFast");
    [RuntimeExport("RhFindMethodStartAddress")] private static IntPtr FindMethodStartAddress(IntPtr ip) { RuntimeFatal.Unsupported("RhFindMethodStartAddress"); return IntPtr.Zero; }
    [RuntimeExport("RhpCallCatchFunclet")] private static void CallCatchFunclet() => RuntimeFatal.Unsupported("RhpCallCatchFunclet");
    [RuntimeExport("RhpCallFilterFunclet")] private static void CallFilterFunclet() => RuntimeFatal.Unsupported("RhpCallFilterFunclet");
    [RuntimeExport("RhpCallFinallyFunclet")] private static void CallFinallyFunclet() => RuntimeFatal.Unsupported("RhpCallFinallyFunclet");
    [RuntimeExport("RhpEHEnumInitFromStackFrameIterator")] private static void EHEnumInit() => RuntimeFatal.Unsupported("RhpEHEnumInitFromStackFrameIterator");
    [RuntimeExport("RhpEHEnumNext")] private static void EHEnumNext() => RuntimeFatal.Unsupported("RhpEHEnumNext");
    [RuntimeExport("RhpGetClasslibFunctionFromCodeAddress")] private static void ClasslibFromCode() => RuntimeFatal.Unsupported("RhpGetClasslibFunctionFromCodeAddress");
    [RuntimeExport("RhpGetClasslibFunctionFromEEType")] private static void ClasslibFromType() => RuntimeFatal.Unsupported("RhpGetClasslibFunctionFromEEType");
    [RuntimeExport("RhpGetCurrentThreadStackTrace")] private static int CurrentThreadStackTrace(IntPtr buffer, uint length, UIntPtr context) => 0;
    [RuntimeExport("RhpGetThreadAbortException")] private static void ThreadAbortException() => RuntimeFatal.Unsupported("RhpGetThreadAbortException");
    [RuntimeExport("RhpSfiInit")] private static void SfiInit() => RuntimeFatal.Unsupported("RhpSfiInit");
    [RuntimeExport("RhpSfiNext")] private static void SfiNext() => RuntimeFatal.Unsupported("RhpSfiNext");
}
