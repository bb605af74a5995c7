using System;
using System.Collections.Generic;
using MemOS.Kernel.MemoryManagement;
using MemOS.Memory.Faults;

namespace MemOS.Kernel.Shell;

/// <summary>What became of one real access (touch, read, write), from the faults its window saw.</summary>
internal static class AccessOutcome
{
    /// <summary>
    /// The contract line's part after "touch A w: ": noFault when nothing faulted, otherwise its last fault,
    /// resolved (with the frame mapped) or refused (with the reason and the region).
    /// </summary>
    public static string Describe(KernelMemory m, AccessWindow window, string noFault)
    {
        if (window.Faults == 0) return noFault;
        List<FaultRecord> faults = m.Faults.FaultsSince(window.FaultsBefore);
        int index = (int)Math.Min(window.Faults - 1, (ulong)faults.Count);
        string code = index < faults.Count ? faults[index].Code.Describe() : "details lost";
        FaultResolution r = window.Resolution;
        if (r.IsViolation) return $"refused: {r.Outcome.Describe()} ({RegionText(r)})";
        return $"page fault ({code}) -> {r.Outcome.Describe()}, frame {Format.Hex(r.Frame.Value)} "
            + $"mapped at {Format.Hex(r.Page.Value)}";
    }

    public static string RegionText(FaultResolution r) => r.Region == null ? "no region" : "region " + r.Region.Name;
}
