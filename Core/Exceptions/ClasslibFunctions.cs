using System;
using System.Runtime;

namespace MemOS.Core.Exceptions;

/// <summary>
/// RhpGetClasslibFunctionFromCodeAddress / FromEEType: the callbacks the dispatcher asks "the class library" for
/// (the exception object for a fault, the stack-trace recorder, fail-fast). There is one module, so the table
/// CoreLib registered answers every address. Two entries are MemOS's own: fail-fast (an unhandled exception)
/// goes to the unhandled-exception handler the kernel or a user runtime installs, and the first-chance
/// notification (an event nobody subscribes to, which allocates) is skipped.
/// </summary>
internal static unsafe class ClasslibFunctions
{
    private const int FailFast = 1;
    private const int OnFirstChance = 6;
    private const int OnUnhandledException = 7;

    [RuntimeExport("RhpGetClasslibFunctionFromCodeAddress")]
    private static IntPtr FromCodeAddress(IntPtr address, int id) => Lookup(id);

    [RuntimeExport("RhpGetClasslibFunctionFromEEType")]
    private static IntPtr FromType(IntPtr methodTable, int id) => Lookup(id);

    private static IntPtr Lookup(int id)
    {
        if (id == FailFast) return (IntPtr)(delegate*<int, object?, IntPtr, void*, void>)&Unhandled;
        if (id == OnFirstChance || id == OnUnhandledException) return IntPtr.Zero;
        return ModuleRegistry.ClasslibFunction(id);
    }

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
