using System.Collections.Generic;

namespace MemOS.Memory.Physical;

// Fresh runs: free frames that have never been in a buddy list. At construction every usable range is one fresh run,
// and nothing is written into free RAM, so bring-up costs metadata per frame but no touch of the frames themselves
// (under a hypervisor each first write to a guest page makes the host allocate and zero it: writing a list header
// into every 4 MiB block made boot time grow with RAM). A fresh frame is free in the bitmap, has no reference, a plain
// Free tag (no head order, so no block merges with it) and is counted in FreeFrames; it is in no list. When the lists
// cannot serve a request, the next block is carved from the low end of the zone's first fresh run — the largest
// aligned block that fits, the same shape the greedy construction used to make — and merged into the lists.
public sealed partial class PhysicalMemoryManager
{
    private struct FreshRun
    {
        public ulong Start, End; // frame numbers [Start, End); Start == End: used up
    }

    // Sorted by Start; a zone's runs are consecutive: [Zone.FreshNext, Zone.FreshEnd).
    private FreshRun[] _fresh = [];

    // Records the usable ranges as fresh runs (called once by the constructor; `usable` is sorted).
    private void MakeFreshRuns(List<(ulong Start, ulong End)> usable)
    {
        _fresh = new FreshRun[usable.Count];
        for (int i = 0; i < usable.Count; i++)
        {
            var (start, end) = usable[i];
            int zi = ZoneOf(start);
            ref Zone z = ref _zones[zi];
            if (z.FreshEnd == 0) z.FreshNext = i;
            z.FreshEnd = i + 1;
            z.FreshFrames += end - start;
            _fresh[i] = new FreshRun { Start = start, End = end };
        }
    }

    // Puts the next block of the zone's fresh memory into the lists (merged with a free buddy); false when the zone
    // has none left. Only runs starting below `limitFrame` are carved.
    private bool CarveFresh(int zi, ulong limitFrame = Null)
    {
        ref Zone z = ref _zones[zi];
        while (z.FreshNext < z.FreshEnd)
        {
            ref FreshRun r = ref _fresh[z.FreshNext];
            if (r.Start == r.End)
            {
                z.FreshNext++;
                continue;
            }
            ulong f = r.Start;
            if (f >= limitFrame) return false;
            int order = LargestBlockAt(f, r.End);
            ulong size = 1UL << order;
            r.Start = f + size;
            z.FreshFrames -= size;
            Merge(zi, f, order);
            return true;
        }
        return false;
    }

    // The order of the largest naturally aligned block starting at f that ends by `end`.
    private static int LargestBlockAt(ulong f, ulong end)
    {
        int order = MaxOrder;
        while (order > 0 && ((f & ((1UL << order) - 1)) != 0 || f + (1UL << order) > end)) order--;
        return order;
    }

    // Adds to `counts` the blocks the fresh runs would be carved into (the statistics count them as free blocks).
    // Whole 4 MiB blocks are counted in one step, so this costs O(runs x orders), not O(frames).
    private void CountFreshBlocks(ref FreeBlockCounts counts)
    {
        foreach (var r in _fresh)
        {
            ulong f = r.Start;
            while (f < r.End)
            {
                int order = LargestBlockAt(f, r.End);
                if (order == MaxOrder)
                {
                    ulong n = (r.End - f) >> MaxOrder;
                    counts[MaxOrder] += n;
                    f += n << MaxOrder;
                    continue;
                }
                counts[order]++;
                f += 1UL << order;
            }
        }
    }

    // Check's part: the fresh run of the zone that holds frame f, or -1.
    private int FreshRunOf(int zi, ulong f)
    {
        var z = _zones[zi];
        for (int i = z.FreshNext; i < z.FreshEnd; i++)
            if (f >= _fresh[i].Start && f < _fresh[i].End) return i;
        return -1;
    }
}
