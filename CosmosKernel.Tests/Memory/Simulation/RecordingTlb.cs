using System.Collections.Generic;
using MemOS.Memory;

namespace MemOS.Tests.Memory.Simulation;

/// <summary>Test TLB: records every invalidation so tests can check exactly what a change flushed.</summary>
public sealed class RecordingTlb : ITlb
{
    public List<VirtualAddress> Pages { get; } = new();
    public int FullFlushes { get; private set; }

    public void Invalidate(VirtualAddress page) => Pages.Add(page);
    public void InvalidateAll() => FullFlushes++;

    public void Clear()
    {
        Pages.Clear();
        FullFlushes = 0;
    }
}
