using System;
using System.Runtime.CompilerServices;
using System.Text;

namespace MemOS.Core.Exceptions;

/// <summary>
/// How MemOS prints an exception: `Namespace.Type: message`, and its stack trace as one `at
/// Namespace.Type.Method+0xOFFSET` line per frame, from the return addresses CoreLib's dispatcher recorded in the
/// exception and the image's symbol table. (Type.FullName needs CoreLib's reflection layer, which MemOS does not
/// start; the MethodTable's symbol names the type instead.)
/// </summary>
public static unsafe class ExceptionText
{
    public static string TypeName(Exception exception)
    {
        void* obj = *(void**)Unsafe.AsPointer(ref exception); // the collector never moves objects
        void* methodTable = *(void**)obj;
        byte* name = SymbolTable.TypeName(methodTable);
        return name == null
            ? "exception (type 0x" + ((ulong)methodTable).ToString("x") + ")"
            : new string((sbyte*)name);
    }

    public static string Describe(Exception exception) => TypeName(exception) + ": " + exception.Message;

    /// <summary>The frames the exception passed through, innermost first (empty if it was never thrown).</summary>
    public static int Frames(Exception exception, Span<ulong> frames)
    {
        IntPtr[]? ips = StackTraceIps(exception);
        int n = Math.Min(StackTraceCount(exception), ips?.Length ?? 0);
        int written = 0;
        for (int i = 0; i < n && written < frames.Length; i++) frames[written++] = (ulong)ips![i];
        return written;
    }

    /// <summary>One line per frame: `   at Namespace.Type.Method+0xOFFSET`.</summary>
    public static string StackTrace(Exception exception)
    {
        Span<ulong> frames = stackalloc ulong[64];
        int n = Frames(exception, frames);
        var text = new StringBuilder();
        for (int i = 0; i < n; i++)
        {
            if (i > 0) text.Append('\n');
            // A recorded address is a return address (or the faulting instruction): name the byte before it.
            text.Append("   at ").Append(SymbolTable.Describe(frames[i] - 1));
        }
        return text.ToString();
    }

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_corDbgStackTrace")]
    private static extern ref IntPtr[]? StackTraceIps(Exception exception);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_idxFirstFreeStackTraceEntry")]
    private static extern ref int StackTraceCount(Exception exception);
}
