using System;
using MemOS.Memory;
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
}
