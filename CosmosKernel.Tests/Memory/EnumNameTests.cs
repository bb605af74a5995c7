using System;
using System.Linq;
using MemOS.Memory;
using MemOS.Memory.Physical;
using MemOS.Memory.Virtual;
using NUnit.Framework;

namespace MemOS.Tests.Memory;

/// <summary>The kernel has no reflection data, so enums it prints have hand-written names: they must match the
/// identifiers.</summary>
public class EnumNameTests
{
    [Test]
    public void Every_memory_error_has_its_identifier_as_name()
    {
        foreach (MemoryError e in Enum.GetValues<MemoryError>())
            Assert.That(e.Name(), Is.EqualTo(e.ToString()));
    }

    [Test]
    public void Every_backing_has_its_lower_case_name()
    {
        foreach (RegionBacking b in Enum.GetValues<RegionBacking>())
            Assert.That(b.Describe(), Is.EqualTo(b.ToString().ToLowerInvariant()));
    }

    // The shell prints these in `pmm`, `memmap` and boot diagnostics: each value needs words of its own, not the
    // fallback for an unknown value.
    [Test]
    public void Every_frame_usage_memory_type_and_map_problem_has_a_name_of_its_own()
    {
        AssertOwnNames(Enum.GetValues<FrameUsage>().Select(u => u.Name()).ToArray(), "usage ");
        AssertOwnNames(Enum.GetValues<MemoryType>().Select(MemoryTypes.Name).ToArray(), "unknown");
        AssertOwnNames(Enum.GetValues<MemoryMapProblem>().Select(p => p.Name()).ToArray(), "problem ");
    }

    private static void AssertOwnNames(string[] names, string fallback)
    {
        Assert.That(names, Has.None.Empty);
        Assert.That(names, Has.None.StartsWith(fallback));
        Assert.That(names, Is.Unique);
    }
}
