using MemOS.Tests.Kernel;

namespace MemOS.Tests.Suites;

/// <summary>The in-kernel exceptions suite (CosmosKernel/Tests/ExceptionSuite.cs): throw/catch/finally/filters and
/// CPU faults as exceptions, one NUnit test per check.</summary>
public sealed class ExceptionSuite : KernelSuiteFixture
{
    public static readonly string[] Tests =
    [
        "catch_in_caller", "catch_across_frameless_callee", "finally_on_exceptional_path", "using_and_lock_released",
        "filter_true_and_false", "filter_that_throws_counts_as_false", "rethrow_keeps_exception_and_trace",
        "throw_starts_a_new_trace",
        "throw_inside_finally", "fifty_nested_frames", "throw_inside_catch", "catch_order_most_derived_first",
        "null_dereference", "divide_by_zero", "checked_overflow", "corelib_argument_checks",
        "many_throws_leave_stack_and_state",
    ];

    protected override string SuiteName => "exceptions";
}
