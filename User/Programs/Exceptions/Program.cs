using System;
using System.Runtime.CompilerServices;
using MemOS.User.Runtime;

/// <summary>
/// `exceptions [null|divide]`: throw, catch, finally and a filter in a process (Core's exception dispatch, the
/// kernel's own, over the program's .eh_frame); on MemOS also a null dereference and a division by zero caught as
/// NullReferenceException and DivideByZeroException (the kernel hands the fault to the runtime's handler), each with
/// its stack trace. The last exception is not caught: the runtime prints its type, message and frames on fd 2 and
/// the process exits with 134. `exceptions null` / `exceptions divide` leave the fault's exception uncaught: the
/// trace, then the kernel kills the process with the fault's segfault line.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        // (not `return Dereference(null)`: a tail call would leave Main out of the trace)
        if (args.Length == 1 && args[0] == "null") Console.WriteLine($"still alive: {Dereference(null)}");
        else if (args.Length == 1 && args[0] == "divide") Console.WriteLine($"still alive: {Divide(1, 0)}");
        else if (args.Length != 0) Console.WriteLine("usage: exceptions [null|divide]");
        if (args.Length != 0) return 2;
        try { int.Parse("x" + args.Length); }
        catch (FormatException e) { Console.WriteLine($"caught FormatException: {e.Message}"); }
        try { Throw(args.Length); }
        catch (ArgumentException e) when (e.Message == "argument 0")
        {
            Console.WriteLine($"caught ArgumentException through a filter: {e.Message}");
        }
        finally { Console.WriteLine("finally ran"); }
        if (HardwareFaultHandler.Registered) CatchFaults();
        else Console.WriteLine("hardware faults: no memos_fault_handler here (not MemOS?): a fault would be a signal");
        throw new InvalidOperationException("this one is not caught");
    }

    private static void CatchFaults()
    {
        try { Dereference(null); }
        catch (NullReferenceException e)
        {
            Console.WriteLine("caught NullReferenceException from a null dereference, thrown at:");
            Console.WriteLine(e.StackTrace);
        }
        try { Divide(7, 0); }
        catch (DivideByZeroException e)
        {
            Console.WriteLine("caught DivideByZeroException from #DE, thrown at:");
            Console.WriteLine(e.StackTrace);
        }
    }

    private sealed class Node
    {
        public int Value = 1;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Dereference(Node? node) => node!.Value;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Divide(int a, int b) => a / b;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Throw(int n) => throw new ArgumentException($"argument {n}");
}
