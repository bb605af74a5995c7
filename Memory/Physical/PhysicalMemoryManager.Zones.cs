using System.Collections.Generic;

namespace MemOS.Memory.Physical;

// Zones: the runs of usable memory the PMM keeps metadata for, merged across small holes of the memory map so a
// sparse map costs no bitmap for its gaps. Built once at boot (may allocate); looked up by binary search.
public sealed partial class PhysicalMemoryManager
{
    // merge a hole into a zone when it is at most 1/32 of the usable frames around it
    private const ulong ZoneGapRatio = 32;

    private struct Zone
    {
        public ulong Start, End;   // frame numbers [Start, End)
        public ulong Meta;         // index of Start in the bitmap, reference counts and tags
        public ulong FreeFrames;
        public int NonEmpty;       // bit k set: the order-k free list is not empty
        public ulong FreshFrames;  // free frames in fresh runs (part of FreeFrames), in no list yet
        public int FreshNext, FreshEnd; // the zone's fresh runs: _fresh[FreshNext..FreshEnd)
    }

    private int ZoneOf(ulong frame)
    {
        int lo = 0, hi = _zones.Length - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >> 1;
            if (frame < _zones[mid].Start) hi = mid - 1;
            else if (frame >= _zones[mid].End) lo = mid + 1;
            else return mid;
        }
        return -1;
    }

    private int MapIndexOf(ulong address)
    {
        int lo = 0, hi = _map.Length - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >> 1;
            if (address < _map[mid].Base.Value) hi = mid - 1;
            else if (address >= _map[mid].End) lo = mid + 1;
            else return mid;
        }
        return -1;
    }

    private static Zone[] BuildZones(List<(ulong Start, ulong End)> usable)
    {
        var zones = new List<Zone>();
        ulong start = usable[0].Start, end = usable[0].End, inside = end - start;
        for (int i = 1; i < usable.Count; i++)
        {
            var (s, e) = usable[i];
            if ((s - end) * ZoneGapRatio <= inside + (e - s)) { end = e; inside += e - s; continue; }
            zones.Add(new Zone { Start = start, End = end });
            start = s; end = e; inside = e - s;
        }
        zones.Add(new Zone { Start = start, End = end });
        var result = zones.ToArray();
        ulong meta = 0;
        for (int i = 0; i < result.Length; i++)
        {
            result[i].Meta = meta;
            meta += result[i].End - result[i].Start;
        }
        return result;
    }

    // Holes inside a zone that the kernel image occupies are tagged Kernel, so the visual map shows it.
    private void TagKernelFrames()
    {
        foreach (var r in _map)
        {
            if (r.Type != MemoryType.KernelImage) continue;
            for (ulong f = r.Base.Value / PhysicalAddress.FrameSize; f * PhysicalAddress.FrameSize < r.End; f++)
            {
                int zi = ZoneOf(f);
                if (zi >= 0) _tags[_zones[zi].Meta + f - _zones[zi].Start] = (byte)FrameUsage.Kernel;
            }
        }
    }
}
