using MemOS.Tests.Kernel;

namespace MemOS.Tests.Suites;

/// <summary>The in-kernel runtime suite (CosmosKernel/Tests/RuntimeSuite.cs): C# on the metal, one NUnit test per
/// check.</summary>
public sealed class RuntimeSuite : KernelSuiteFixture
{
    public static readonly string[] Tests =
    [
        "objects_and_fields", "virtual_dispatch", "interface_dispatch_8_implementations",
        "interface_dispatch_cache_repeats",
        "generic_types_and_methods", "string_formatting", "string_builder_and_concat", "list", "dictionary",
        "statics_and_cctors", "lock", "object_header_stays_in_its_block", "stackalloc_and_span",
        "arrays_multi_and_jagged", "boxing_and_casts",
        "delegates_and_lambdas", "structs_and_records", "integer_and_float_math", "stopwatch_advances",
        "plug_replaces_corelib_method",
    ];

    protected override string SuiteName => "runtime";
}
