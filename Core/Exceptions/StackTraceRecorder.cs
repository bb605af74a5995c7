using System;
using System.Runtime.CompilerServices;

namespace MemOS.Core.Exceptions;

/// <summary>
/// The stack-trace recorder the dispatcher calls for every frame an exception passes (ClassLibFunctionId 3,
/// AppendExceptionStackFrame). CoreLib's own records nothing until its reflection layer is up
/// (RuntimeExceptionHelpers.SafeToPerformRichExceptionSupport), which MemOS never starts, so this one does what it
/// would: a new throw of an exception clears its old trace, `throw;` keeps it (the rethrow site replaces the last
/// frame), and every frame's address goes into the exception through CoreLib's own Exception.AppendStackIP. The
/// preallocated out-of-memory exception records nothing: recording may allocate.
/// Every recorded address is one a reader names by the byte before it (a return address is just past its call):
/// the first frame of a CPU fault, the faulting instruction itself, is recorded one byte further on, so a fault in
/// a method's first instruction is not named as the method before it.
/// </summary>
internal static unsafe class StackTraceRecorder
{
    private const int FirstFrame = 1, FirstRethrowFrame = 2;
    private const byte HardwareFault = 2; // ExInfo's ExKind
    private static readonly IntPtr EdiSeparator = 1; // ExceptionDispatchInfo's marker: a trace that must be kept

    /// <summary>(exception, the frame's IP, RH_EH_FIRST_FRAME | RH_EH_FIRST_RETHROW_FRAME).</summary>
    internal static void Append(object exception, IntPtr ip, int flags)
    {
        if (exception is not Exception e || RuntimeExceptions.IsPreallocated(e)) return;
        bool first = (flags & FirstFrame) != 0, firstRethrow = (flags & FirstRethrowFrame) != 0;
        ref int count = ref Count(e);
        IntPtr[]? ips = Ips(e);
        if (first && !firstRethrow && count > 0 && ips != null && ips[count - 1] != EdiSeparator) count = 0;
        byte* exInfo = NewestExInfo();
        bool fault = exInfo != null && (exInfo[EhLayout.ExInfoKind] & 0x3) == HardwareFault;
        if (first && !firstRethrow && fault) ip += 1;
        AppendStackIP(e, ip, firstRethrow);
    }

    [MethodImpl(MethodImplOptions.InternalCall), System.Runtime.RuntimeImport("*", "memos_newest_exinfo")]
    private static extern byte* NewestExInfo();

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "AppendStackIP")]
    private static extern void AppendStackIP(Exception exception, IntPtr ip, bool isFirstRethrowFrame);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_corDbgStackTrace")]
    private static extern ref IntPtr[]? Ips(Exception exception);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_idxFirstFreeStackTraceEntry")]
    private static extern ref int Count(Exception exception);
}
