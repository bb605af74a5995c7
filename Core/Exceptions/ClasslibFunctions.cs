using System;
using System.Runtime;

namespace MemOS.Core.Exceptions;

/// <summary>
/// RhpGetClasslibFunctionFromCodeAddress / FromEEType: the callbacks the dispatcher asks "the class library" for
/// (the exception object for a fault, the stack-trace recorder, fail-fast). There is one module, and
/// memos_classlib_function gives CoreLib's own exports for it (InitializeModules is called without a table).
/// Four entries are MemOS's own: the runtime's exception objects (RuntimeExceptions); the stack-trace recorder
/// (StackTraceRecorder: CoreLib's records nothing without its reflection layer); fail-fast (an unhandled exception),
/// which goes to the handler the kernel or a user runtime installs; and the first-chance notification (an event
/// nobody subscribes to, which allocates), which is skipped.
/// </summary>
internal static unsafe class ClasslibFunctions
{
    private const int GetRuntimeException = 0;
    private const int FailFast = 1;
    private const int AppendExceptionStackFrame = 3;
    private const int OnFirstChance = 6;
    private const int OnUnhandledException = 7;

    [RuntimeExport("RhpGetClasslibFunctionFromCodeAddress")]
    private static IntPtr FromCodeAddress(IntPtr address, int id) => Lookup(id);

    [RuntimeExport("RhpGetClasslibFunctionFromEEType")]
    private static IntPtr FromType(IntPtr methodTable, int id) => Lookup(id);

    private static IntPtr Lookup(int id)
    {
        if (id == GetRuntimeException) return (IntPtr)(delegate*<int, Exception?>)&RuntimeExceptions.Create;
        if (id == FailFast) return (IntPtr)(delegate*<int, object?, IntPtr, void*, void>)&Unhandled;
        if (id == AppendExceptionStackFrame)
            return (IntPtr)(delegate*<object, IntPtr, int, void>)&StackTraceRecorder.Append;
        if (id == OnFirstChance || id == OnUnhandledException) return IntPtr.Zero;
        return ClasslibFunction(id);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.InternalCall)]
    [RuntimeImport("*", "memos_classlib_function")]
    private static extern IntPtr ClasslibFunction(int id);

    // (reason, exception, faulting IP, OS context). Reason 2 is RhFailFastReason.UnhandledException.
    private static void Unhandled(int reason, object? exception, IntPtr ip, void* context)
    {
        if (exception is Exception e) UnhandledExceptions.Report(e);
        RuntimeFatal.Stop("exception dispatch failed", reason == 2 ? "unhandled exception" : "internal error");
    }

    [RuntimeExport("RhFindMethodStartAddress")]
    private static IntPtr FindMethodStartAddress(IntPtr ip)
        => ManagedCode.Find((ulong)ip, out ManagedCode code) ? (IntPtr)(long)code.MethodStart : IntPtr.Zero;
}
