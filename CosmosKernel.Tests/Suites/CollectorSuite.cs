using MemOS.Tests.Kernel;

namespace MemOS.Tests.Suites;

/// <summary>The in-kernel collector suite (CosmosKernel/Tests/CollectorSuite.cs): the mostly precise collector on the
/// kernel heap, one NUnit test per check.</summary>
public sealed class CollectorSuite : KernelSuiteFixture
{
    public static readonly string[] Tests =
    [
        "method_table_has_pointers_flag", "gcdesc_finds_reference_fields", "gcdesc_finds_references_in_struct_arrays",
        "byte_array_of_lookalikes_keeps_nothing", "object_array_keeps_its_elements",
        "weak_handles_clear_strong_handles_keep", "dependent_handle_follows_its_key",
        "statics_and_thread_statics_are_roots", "frozen_segment_walk_is_exact", "mark_stack_overflow_is_recovered",
        "collection_takes_nothing_from_the_heap", "dead_frames_below_the_caller_keep_nothing",
        "any_address_in_an_objects_block_keeps_it", "realloc_resizes_native_blocks_not_objects",
        "a_request_during_a_collection_starts_none",
    ];

    protected override string SuiteName => "gc";
}
