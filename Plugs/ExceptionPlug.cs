using System;
using MemOS.Core.Exceptions;

namespace MemOS.Plugs;

/// <summary>
/// Exception.StackTrace on MemOS. CoreLib formats the recorded frames through System.Diagnostics.StackTrace, which
/// needs its stack-trace metadata (off: StackTrace.IsSupported is false) and prints nothing here; the image's own
/// symbol table names them instead: one `   at Namespace.Type.Method+0xOFFSET` line per frame, innermost first.
/// Exception.get_StackTrace still decides when there is a trace at all (thrown or not) and adds a remote trace.
/// </summary>
[Plug(Target = typeof(Exception))]
public static class ExceptionPlug
{
    public static string GetStackTrace(Exception exception) => ExceptionText.StackTrace(exception);
}
