using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace MemOS.Tests.Suites;

/// <summary>
/// What holds the kernel heap's pages: a per-page census from `heap blocks` (every block in address order). Each
/// page the walk needs resident is put in one class, the first that applies: a live medium or large block, a live
/// small object, a slab with no live object (a cached empty one), or only a free block's header or footer (the words
/// a decommit keeps). Used to find and report the drift (docs/heap.md).
/// </summary>
internal sealed class HeapCensus
{
    private const ulong Page = 4096;
    private static readonly Regex Line = new(@"^\s+0x([0-9a-f]+)\s+(\d+) B\s+(used|free)\s+(\w+)\s*$",
        RegexOptions.Multiline);

    public int MediumPages { get; private set; }
    public int SmallPages { get; private set; }
    public int EmptySlabPages { get; private set; }
    public int FreeEdgePages { get; private set; }
    public int LiveSmall { get; private set; }
    public int LiveMedium { get; private set; }
    public int Slabs { get; private set; }
    public int FreeBlocks { get; private set; }
    /// <summary>Live small objects on each page pinned only by small objects.</summary>
    public List<int> ObjectsPerSmallPage { get; } = new();
    public string Classes { get; private set; } = "";

    public int Pages => MediumPages + SmallPages + EmptySlabPages + FreeEdgePages;

    /// <summary>Census of a `heap blocks 4096` listing.</summary>
    public static HeapCensus Of(string listing)
    {
        var census = new HeapCensus();
        // rank per page: 4 medium, 3 small, 2 empty slab, 1 free edge
        var rank = new Dictionary<ulong, int>();
        var objects = new Dictionary<ulong, int>();
        var perClass = new SortedDictionary<ulong, int>();
        void Mark(ulong from, ulong to, int r)
        {
            for (ulong p = from & ~(Page - 1); p < to; p += Page)
                if (!rank.TryGetValue(p, out int old) || old < r) rank[p] = r;
        }
        ulong slab = 0, slabEnd = 0;
        int slabLive = 0;
        void EndSlab()
        {
            if (slab != 0 && slabLive == 0) Mark(slab, slab + 48, 2);
            slab = 0;
        }
        foreach (Match m in Line.Matches(listing))
        {
            ulong a = ulong.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            ulong size = ulong.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            string kind = m.Groups[4].Value;
            if (kind != "small") EndSlab();
            switch (kind)
            {
                case "free":
                    census.FreeBlocks++;
                    Mark(a, a + 32, 1);
                    Mark(a + size - 8, a + size, 1);
                    break;
                case "medium":
                case "large":
                    census.LiveMedium++;
                    Mark(a - 16, a + size, 4);
                    break;
                case "slab":
                    census.Slabs++;
                    slab = a;
                    slabEnd = a + size;
                    slabLive = 0;
                    break;
                case "small":
                    census.LiveSmall++;
                    slabLive++;
                    perClass[size] = perClass.GetValueOrDefault(size) + 1;
                    Mark(slab, slab + 48, 3); // the slab's header is written on every free
                    Mark(a, a + size, 3);
                    for (ulong p = a & ~(Page - 1); p < a + size; p += Page)
                        objects[p] = objects.GetValueOrDefault(p) + 1;
                    break;
            }
        }
        EndSlab();
        _ = slabEnd;
        foreach (var (page, r) in rank)
        {
            switch (r)
            {
                case 4: census.MediumPages++; break;
                case 3:
                    census.SmallPages++;
                    census.ObjectsPerSmallPage.Add(objects.GetValueOrDefault(page));
                    break;
                case 2: census.EmptySlabPages++; break;
                default: census.FreeEdgePages++; break;
            }
        }
        census.Classes = string.Join(" ", perClass.Select(kv => $"{kv.Key} B x{kv.Value}"));
        return census;
    }

    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture,
            $"census: {Pages} pages needed: {MediumPages} with a live medium/large block ({LiveMedium} blocks), ");
        text.Append(CultureInfo.InvariantCulture,
            $"{SmallPages} with live small objects only ({LiveSmall} objects in {Slabs} slabs), ");
        text.Append(CultureInfo.InvariantCulture,
            $"{EmptySlabPages} with an empty slab only, {FreeEdgePages} with only a free block's edge ");
        text.Append(CultureInfo.InvariantCulture, $"({FreeBlocks} free blocks)");
        var hist = ObjectsPerSmallPage.GroupBy(n => n).OrderBy(g => g.Key).Select(g => $"{g.Key}:{g.Count()}");
        text.Append(CultureInfo.InvariantCulture, $"\n  small objects per small-only page (objects:pages) ");
        text.Append(string.Join(" ", hist));
        text.Append(CultureInfo.InvariantCulture, $"\n  live small objects by class: {Classes}");
        return text.ToString();
    }
}
