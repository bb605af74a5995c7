using MemOS.Tests.Kernel;

namespace MemOS.Tests.Suites;

/// <summary>The in-kernel memory suite on the real MMU: the seed's walkthrough, zero page and COW, violations, a
/// 100,000-operation soak.</summary>
public sealed class MemorySuite : KernelSuiteFixture
{
    public static readonly string[] Tests =
    [
        "seed_alloc_5_10_100_one_page_one_fault", "seed_page_boundary_costs_one_more_page",
        "seed_immediate_mode_no_fault",
        "first_touch_maps_the_page_later_touch_does_not_fault", "zero_page_then_copy_on_write",
        "copy_on_write_of_a_shared_frame_with_data",
        "violation_write_to_read_only", "violation_execute_on_nx", "violation_no_region",
        "violation_user_page_from_kernel_exec",
        "tlb_replace_protect_unmap_of_a_4k_page_seen_at_once", "tlb_split_of_a_2m_page_seen_at_once",
        "soak_100000_operations_returns_every_frame",
    ];

    protected override string SuiteName => "memory";
}
