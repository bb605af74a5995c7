using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace MemOS.Kernel.Tests;

/// <summary>
/// The exceptions suite: throw, catch, finally, filters, rethrow and nesting through CoreLib's own dispatcher on
/// MemOS's unwinder, and CPU faults in managed code arriving as exceptions.
/// </summary>
internal static class ExceptionSuite
{
    public static List<KernelTest> Tests() =>
    [
        new("catch_in_caller", CatchInCaller),
        new("catch_across_frameless_callee", CatchAcrossFramelessCallee),
        new("finally_on_exceptional_path", FinallyOnExceptionalPath),
        new("using_and_lock_released", UsingAndLockReleased),
        new("filter_true_and_false", FilterTrueAndFalse),
        new("filter_that_throws_counts_as_false", FilterThatThrows),
        new("rethrow_keeps_exception_and_trace", RethrowKeepsTrace),
        new("throw_starts_a_new_trace", ThrowStartsANewTrace),
        new("throw_inside_finally", ThrowInsideFinally),
        new("fifty_nested_frames", FiftyNestedFrames),
        new("throw_inside_catch", ThrowInsideCatch),
        new("catch_order_most_derived_first", CatchOrder),
        new("null_dereference", NullDereference),
        new("divide_by_zero", DivideByZero),
        new("checked_overflow", CheckedOverflow),
        new("corelib_argument_checks", CoreLibArgumentChecks),
        new("many_throws_leave_stack_and_state", ManyThrows),
    ];

    private sealed class TestException(string message, int depth = 0) : Exception(message)
    {
        public int Depth { get; } = depth;
    }

    private sealed class OtherException(string message) : Exception(message);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Thrower(string message) => throw new TestException(message);

    private static string? CatchInCaller()
    {
        try
        {
            Thrower("one frame up");
            return "the throw returned";
        }
        catch (TestException e)
        {
            return e.Message == "one frame up" ? null : $"message was '{e.Message}'";
        }
    }

    // A leaf with no frame pointer (no locals, no calls but the throw helper's tail) between thrower and catcher.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Frameless(int[] values, int index) => values[index];

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Middle(int[] values, int index) => Frameless(values, index) + 1;

    private static string? CatchAcrossFramelessCallee()
    {
        int[] values = [1, 2, 3];
        int kept = 1234;
        try
        {
            _ = Middle(values, 7);
            return "no IndexOutOfRangeException";
        }
        catch (IndexOutOfRangeException)
        {
            return kept == 1234 ? null : "a local changed across the catch";
        }
    }

    private static int s_finallyRuns;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowWithFinally()
    {
        try { Thrower("through finally"); }
        finally { s_finallyRuns++; }
    }

    private static string? FinallyOnExceptionalPath()
    {
        s_finallyRuns = 0;
        try { ThrowWithFinally(); }
        catch (TestException) { }
        return s_finallyRuns == 1 ? null : $"finally ran {s_finallyRuns} times";
    }

    private sealed class Resource : IDisposable
    {
        public bool Disposed;
        public void Dispose() => Disposed = true;
    }

    private static readonly object s_lock = new();

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void UseAndThrow(Resource r)
    {
        using (r)
        {
            lock (s_lock) Thrower("inside using and lock");
        }
    }

    private static string? UsingAndLockReleased()
    {
        var r = new Resource();
        try { UseAndThrow(r); }
        catch (TestException) { }
        if (!r.Disposed) return "Dispose did not run";
        if (System.Threading.Monitor.IsEntered(s_lock)) return "the lock is still held";
        bool taken = false;
        System.Threading.Monitor.TryEnter(s_lock, ref taken);
        if (!taken) return "the lock cannot be taken again";
        System.Threading.Monitor.Exit(s_lock);
        return null;
    }

    private static int s_filterCalls;

    private static bool Filter(Exception e, bool answer)
    {
        s_filterCalls++;
        return answer && e is TestException;
    }

    private static string? FilterTrueAndFalse()
    {
        s_filterCalls = 0;
        string where = "";
        try
        {
            try { Thrower("filtered"); }
            catch (TestException e) when (Filter(e, false)) { where = "inner"; }
        }
        catch (TestException e) when (Filter(e, true)) { where = "outer"; }
        if (where != "outer") return $"caught by '{where}'";
        return s_filterCalls == 2 ? null : $"filters ran {s_filterCalls} times";
    }

    private static bool ThrowingFilter() => throw new OtherException("inside the filter");

    // An exception escaping a filter is swallowed by the dispatcher: the filter said no, the search goes on.
    private static string? FilterThatThrows()
    {
        string where = "";
        try
        {
            try { Thrower("filtered"); }
            catch (TestException) when (ThrowingFilter()) { where = "inner"; }
        }
        catch (TestException e) { where = e.Message; }
        catch (OtherException) { where = "the filter's exception escaped"; }
        return where == "filtered" ? null : $"caught by '{where}'";
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void CatchAndRethrow()
    {
        try { Thrower("rethrown"); }
        catch (TestException) { throw; }
    }

    private static string? RethrowKeepsTrace()
    {
        try
        {
            CatchAndRethrow();
            return "no exception";
        }
        catch (TestException e)
        {
            if (e.Message != "rethrown") return $"message '{e.Message}'";
            // `throw;` keeps the frames the first throw passed: the thrower, the rethrowing method, then this one
            return TraceNames(e.StackTrace, nameof(Thrower), nameof(CatchAndRethrow), nameof(RethrowKeepsTrace));
        }
    }

    // Exception.StackTrace: `   at MemOS.Kernel.Tests.ExceptionSuite.METHOD+0xOFFSET` lines, innermost first, in
    // this order; null when it does.
    private static string? TraceNames(string? trace, params string[] methods)
    {
        if (trace == null) return "no stack trace";
        string[] lines = trace.Split('\n');
        int at = 0;
        foreach (string method in methods)
        {
            string frame = $"   at MemOS.Kernel.Tests.ExceptionSuite.{method}+0x";
            while (at < lines.Length && !lines[at].StartsWith(frame, StringComparison.Ordinal)) at++;
            if (at == lines.Length) return $"no frame {method} (in order) in the trace:\n{trace}";
        }
        return null;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowAgain(Exception e) => throw e;

    // `throw e` of a caught exception starts its trace again at the new throw site; a fault's trace starts at the
    // method that faulted.
    private static string? ThrowStartsANewTrace()
    {
        Exception? first = null;
        try { Thrower("first"); }
        catch (TestException e) { first = e; }
        if (TraceNames(first!.StackTrace, nameof(Thrower), nameof(ThrowStartsANewTrace)) is string bad) return bad;
        try { ThrowAgain(first); }
        catch (TestException e)
        {
            string trace = e.StackTrace ?? "";
            if (trace.Contains(nameof(Thrower), StringComparison.Ordinal)) return $"the old frames stayed:\n{trace}";
            if (TraceNames(trace, nameof(ThrowAgain), nameof(ThrowStartsANewTrace)) is string again) return again;
        }
        try { _ = LoadFromNull(null); }
        catch (NullReferenceException e)
        {
            return TraceNames(e.StackTrace, nameof(LoadFromNull), nameof(ThrowStartsANewTrace));
        }
        return "no NullReferenceException";
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int LoadFromNull(int[]? values) => values![3];

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowFromFinally()
    {
        try { Thrower("first"); }
        finally { throw new OtherException("from finally"); }
    }

    private static string? ThrowInsideFinally()
    {
        try
        {
            ThrowFromFinally();
            return "no exception";
        }
        catch (TestException) { return "the first exception escaped the finally"; }
        catch (OtherException e) { return e.Message == "from finally" ? null : $"message '{e.Message}'"; }
    }

    private static int s_unwoundFinallies;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Recurse(int depth)
    {
        if (depth == 50) throw new TestException("deep", depth);
        try { return Recurse(depth + 1) + 1; }
        finally { s_unwoundFinallies++; }
    }

    private static string? FiftyNestedFrames()
    {
        s_unwoundFinallies = 0;
        try
        {
            Recurse(1);
            return "no exception";
        }
        catch (TestException e)
        {
            if (e.Depth != 50) return $"depth {e.Depth}";
            return s_unwoundFinallies == 49 ? null : $"{s_unwoundFinallies} finallies ran, expected 49";
        }
    }

    private static string? ThrowInsideCatch()
    {
        int stage = 0;
        try
        {
            try { Thrower("first"); }
            catch (TestException)
            {
                stage = 1;
                try { throw new OtherException("nested"); }
                catch (OtherException) { stage = 2; }
                throw new OtherException("second");
            }
        }
        catch (OtherException e)
        {
            if (stage != 2) return $"stage {stage}";
            return e.Message == "second" ? null : $"message '{e.Message}'";
        }
        return "nothing caught";
    }

    private static string? CatchOrder()
    {
        try { throw new ArgumentNullException("p"); }
        catch (ArgumentNullException) { }
        catch (ArgumentException) { return "the base-class catch won"; }
        try { throw new ArgumentOutOfRangeException("q"); }
        catch (ArgumentNullException) { return "the wrong sibling caught it"; }
        catch (ArgumentException e) { return e is ArgumentOutOfRangeException ? null : "wrong type"; }
    }

    private sealed class Holder { public int Value = 1; }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int ReadValue(Holder? h) => h!.Value;

    private static string? NullDereference()
    {
        try
        {
            int[] a = null!;
            _ = a[0];
            return "no NullReferenceException from an array";
        }
        catch (NullReferenceException) { }
        try
        {
            _ = ReadValue(null);
            return "no NullReferenceException from a field";
        }
        catch (NullReferenceException) { return null; }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Divide(int a, int b) => a / b;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long Remainder(long a, long b) => a % b;

    private static string? DivideByZero()
    {
        try
        {
            _ = Divide(10, 0);
            return "no DivideByZeroException from /";
        }
        catch (DivideByZeroException) { }
        try
        {
            _ = Remainder(10, 0);
            return "no DivideByZeroException from %";
        }
        catch (DivideByZeroException) { }
        return Divide(10, 3) == 3 ? null : "division broke";
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Add(int a, int b) => checked(a + b);

    private static string? CheckedOverflow()
    {
        try
        {
            _ = Add(int.MaxValue, 1);
            return "no OverflowException";
        }
        catch (OverflowException) { }
        try
        {
            _ = Divide(int.MinValue, -1);
            return "no exception from MinValue / -1";
        }
        catch (ArithmeticException) { return null; }
    }

    private static string? CoreLibArgumentChecks()
    {
        try
        {
            _ = int.Parse("not a number");
            return "int.Parse accepted garbage";
        }
        catch (FormatException) { }
        try
        {
            var list = new List<int>();
            _ = list[3];
            return "List indexer accepted 3";
        }
        catch (ArgumentOutOfRangeException) { }
        try
        {
            var d = new Dictionary<string, int>();
            _ = d["missing"];
            return "no KeyNotFoundException";
        }
        catch (KeyNotFoundException) { return null; }
    }

    private static string? ManyThrows()
    {
        int caught = 0;
        for (int i = 0; i < 1000; i++)
        {
            try { Recurse(45); }
            catch (TestException) { caught++; }
        }
        return caught == 1000 ? null : $"caught {caught} of 1000";
    }
}
