using MemOS.Tests.Kernel;

namespace MemOS.Tests.Suites;

/// <summary>The in-kernel smoke suite: timer, MemOS's own page tables, the kernel heap behind `new`.</summary>
public sealed class SmokeSuite : KernelSuiteFixture
{
    public static readonly string[] Tests = ["timer_ticks", "own_page_tables", "kernel_heap_serves_new",
        "gc_apis_report_the_kernel_heap", "native_memory_goes_to_the_kernel_heap",
        "frame_above_4gib_written_and_read_through_the_direct_map"];

    protected override string SuiteName => "smoke";
}
