using System;

/// <summary>
/// `exceptions`: throw, catch, finally and an unhandled exception in a process (Core's exception dispatch, the
/// kernel's own, over the program's .eh_frame). The last exception is not caught: the runtime reports it on fd 2 and
/// the process exits with 134. Hardware faults (a null dereference, #DE) are not turned into exceptions in a process:
/// the kernel kills it (see segv).
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        try { int.Parse("x" + args.Length); }
        catch (FormatException e) { Console.WriteLine($"caught FormatException: {e.Message}"); }
        try { Throw(args.Length); }
        catch (ArgumentException e) when (e.Message == "argument 0")
        {
            Console.WriteLine($"caught ArgumentException through a filter: {e.Message}");
        }
        finally { Console.WriteLine("finally ran"); }
        throw new InvalidOperationException("this one is not caught");
    }

    private static void Throw(int n) => throw new ArgumentException($"argument {n}");
}
