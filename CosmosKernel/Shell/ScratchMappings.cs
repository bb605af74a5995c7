using System.Collections.Generic;
using MemOS.Memory;

namespace MemOS.Kernel.Shell;

/// <summary>The pages `map` made in the scratch window with a fresh frame from the PMM (page → frame).</summary>
internal sealed class ScratchMappings
{
    private readonly Dictionary<ulong, PhysicalAddress> _frames = new();

    public void Add(ulong page, PhysicalAddress frame) => _frames[page] = frame;

    public bool OwnsFrame(ulong page) => _frames.ContainsKey(page);

    /// <summary>Forgets the page and says which frame it owned, if any (`unmap` frees it).</summary>
    public bool TryRemove(ulong page, out PhysicalAddress frame) => _frames.Remove(page, out frame);
}
