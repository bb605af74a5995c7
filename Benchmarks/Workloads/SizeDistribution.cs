using System;

namespace MemOS.Benchmarks.Workloads;

/// <summary>The request sizes a workload draws, from a seeded generator so every allocator sees the same
/// sequence.</summary>
public enum SizeDistribution
{
    /// <summary>Uniform 16..256 B: the kernel's typical small objects.</summary>
    Small,
    /// <summary>16 B..64 KiB: 80 % small (16..256 B), 15 % medium (257 B..4 KiB), 5 % large (4 KiB..64 KiB).</summary>
    Mixed,
}

/// <summary>Draws sizes for a <see cref="SizeDistribution"/>.</summary>
public static class SizeDistributions
{
    public static nuint Next(SizeDistribution distribution, Random random)
    {
        if (distribution == SizeDistribution.Small) return (nuint)random.Next(16, 257);
        int bucket = random.Next(100);
        if (bucket < 80) return (nuint)random.Next(16, 257);
        if (bucket < 95) return (nuint)random.Next(257, 4097);
        return (nuint)random.Next(4097, 65537);
    }
}
