using System;
using System.Collections.Generic;

namespace MemOS.Memory.Physical;

/// <summary>
/// The frame inventory: the firmware's memory map made safe (sorted, non-overlapping, coalesced, usable
/// ranges on 4 KiB boundaries), with one diagnostic per problem found, and the kernel's own reservations on top.
/// </summary>
/// <remarks>
/// Boot-time code: it allocates freely. Rules: zero-length entries are dropped; entries that wrap past 2^64 or
/// reach past the physical address width are clipped to it (dropped when they start beyond it); unknown types
/// are reserved; overlaps resolve to the more restrictive type (the greater <see cref="MemoryType"/>); usable
/// ranges are trimmed inward to whole frames. An empty map, or one with nothing usable, sets <see cref="Error"/>.
/// </remarks>
public sealed class MemoryMap
{
    /// <summary>
    /// Diagnostics listed before the rest are summarised by one <see cref="MemoryMapProblem.Truncated"/>.
    /// </summary>
    public const int MaxDiagnostics = 256;

    private const ulong FrameMask = PhysicalAddress.FrameSize - 1;

    private List<MemoryRange> _ranges = new();
    private readonly List<MemoryMapDiagnostic> _diagnostics = new();
    private readonly ulong _limit;

    private struct Item
    {
        public ulong Start, End;
        public MemoryType Type;
        public int Index;
    }

    /// <summary>
    /// Sanitises <paramref name="entries"/>; addresses at or above 2^<paramref name="physicalAddressBits"/> are not
    /// memory.
    /// </summary>
    public MemoryMap(ReadOnlySpan<MemoryMapEntry> entries, int physicalAddressBits = 52)
    {
        if (physicalAddressBits < 32 || physicalAddressBits > 52)
            throw new ArgumentOutOfRangeException(nameof(physicalAddressBits),
                "x86_64 physical address width is 32..52 bits");
        PhysicalAddressBits = physicalAddressBits;
        _limit = 1UL << physicalAddressBits;

        if (entries.Length == 0)
        {
            Report(MemoryMapProblem.EmptyMap, -1, default, "no memory map: nothing is trusted, nothing is usable");
            Error = MemoryError.InvalidArgument;
            return;
        }

        var items = Validate(entries);
        ReportOverlaps(items, entries);
        Resolve(items);
        TrimUsable();

        if (TotalBytes(MemoryType.Usable) == 0)
        {
            Report(MemoryMapProblem.NoUsableMemory, -1, default, "no usable frame remains");
            Error = MemoryError.OutOfMemory;
        }
    }

    /// <summary>
    /// None when the map can be used; InvalidArgument for a missing/empty map, OutOfMemory when nothing is usable.
    /// </summary>
    public MemoryError Error { get; private set; }

    /// <summary>Width of physical addresses this map was clipped to.</summary>
    public int PhysicalAddressBits { get; }

    /// <summary>Sorted, non-overlapping, coalesced ranges.</summary>
    public IReadOnlyList<MemoryRange> Ranges => _ranges;

    /// <summary>Every problem found, one record each, in the order found.</summary>
    public IReadOnlyList<MemoryMapDiagnostic> Diagnostics => _diagnostics;

    /// <summary>Bytes of usable memory (whole frames).</summary>
    public ulong UsableBytes => TotalBytes(MemoryType.Usable);

    /// <summary>Bytes of the given type.</summary>
    public ulong TotalBytes(MemoryType type)
    {
        ulong total = 0;
        foreach (var r in _ranges)
            if (r.Type == type) total += r.Length;
        return total;
    }

    /// <summary>The type at an address; false in a hole (no entry covers it).</summary>
    public bool TryGetType(PhysicalAddress address, out MemoryType type)
    {
        int lo = 0, hi = _ranges.Count - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >> 1;
            var r = _ranges[mid];
            if (address.Value < r.Base.Value) hi = mid - 1;
            else if (address.Value >= r.End) lo = mid + 1;
            else { type = r.Type; return true; }
        }
        type = MemoryType.Reserved;
        return false;
    }

    /// <summary>
    /// Takes [base, base + length), widened to whole frames, away from anything less restrictive than the kind
    /// (usable, ACPI reclaimable...). Only known memory is painted: holes stay holes. Length 0 or wrapping →
    /// InvalidArgument; touching no range → OutOfRange; both leave the map unchanged and add a diagnostic.
    /// </summary>
    public MemoryError Reserve(PhysicalAddress @base, ulong length, ReservationKind kind)
    {
        var entry = new MemoryMapEntry(@base, length, 0);
        if (length == 0 || @base.Value + length < @base.Value)
        {
            Report(MemoryMapProblem.InvalidReservation, -1, entry, "reservation ("
                + MemoryTypes.Name(MemoryTypes.Of(kind)) + ") refused: "
                    + (length == 0 ? "length 0" : "wraps past 2^64"));
            return MemoryError.InvalidArgument;
        }
        ulong start = @base.Value & ~FrameMask;
        ulong end = @base.Value + length;
        end = end > _limit ? _limit : (end + FrameMask) & ~FrameMask;
        bool touches = false;
        foreach (var r in _ranges)
            if (r.Base.Value < end && r.End > start) { touches = true; break; }
        if (!touches)
        {
            Report(MemoryMapProblem.ReservationOutsideMemory, -1, entry, "reservation ("
                + MemoryTypes.Name(MemoryTypes.Of(kind)) + ") refused: no memory there");
            return MemoryError.OutOfRange;
        }

        var type = MemoryTypes.Of(kind);
        var result = new List<MemoryRange>(_ranges.Count + 2);
        foreach (var r in _ranges)
        {
            if (r.Base.Value >= end || r.End <= start || r.Type >= type)
            {
                Append(result, r.Base.Value, r.End, r.Type);
                continue;
            }
            ulong s = Math.Max(start, r.Base.Value), e = Math.Min(end, r.End);
            if (r.Base.Value < s) Append(result, r.Base.Value, s, r.Type);
            Append(result, s, e, type);
            if (e < r.End) Append(result, e, r.End, r.Type);
        }
        _ranges = result;
        return MemoryError.None;
    }

    // Entry-level checks: each bad entry gets exactly one diagnostic; survivors are clipped to the address width.
    private List<Item> Validate(ReadOnlySpan<MemoryMapEntry> entries)
    {
        var items = new List<Item>(entries.Length);
        for (int i = 1; i < entries.Length; i++)
        {
            if (entries[i].Base.Value < entries[i - 1].Base.Value)
            {
                Report(MemoryMapProblem.Unsorted, i, entries[i], "below entry " + (i - 1).ToString()
                    + "; entries sorted by base");
                break;
            }
        }
        for (int i = 0; i < entries.Length; i++)
        {
            var e = entries[i];
            if (e.Length == 0) { Report(MemoryMapProblem.ZeroLength, i, e, "dropped"); continue; }

            var type = MemoryTypes.FromMultiboot(e.Type, out bool known);
            if (!known) Report(MemoryMapProblem.UnknownType, i, e, "treated as reserved");

            ulong start = e.Base.Value, end = start + e.Length;
            bool wraps = end < start;
            if (wraps || end > _limit)
            {
                var problem = wraps ? MemoryMapProblem.Overflow : MemoryMapProblem.BeyondAddressWidth;
                if (start >= _limit)
                {
                    Report(problem, i, e, "dropped: starts beyond the " + PhysicalAddressBits.ToString()
                        + "-bit physical address width");
                    continue;
                }
                end = _limit;
                Report(problem, i, e, "clipped to [0x" + start.ToString("x") + ", 0x" + end.ToString("x") + ")");
            }
            items.Add(new Item { Start = start, End = end, Type = type, Index = i });
        }
        items.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : a.Index.CompareTo(b.Index));
        return items;
    }

    // One diagnostic per overlapping pair. Sorted by start, so only successors starting before our end can overlap.
    private void ReportOverlaps(List<Item> items, ReadOnlySpan<MemoryMapEntry> entries)
    {
        for (int i = 0; i < items.Count; i++)
        {
            var a = items[i];
            for (int j = i + 1; j < items.Count && items[j].Start < a.End; j++)
            {
                var b = items[j];
                ulong s = Math.Max(a.Start, b.Start), e = Math.Min(a.End, b.End);
                var winner = a.Type >= b.Type ? a.Type : b.Type;
                string action = a.Type == b.Type
                    ? "same type: merged"
                    : "[0x" + s.ToString("x") + ", 0x" + e.ToString("x") + ") resolved to " + MemoryTypes.Name(winner);
                int first = Math.Min(a.Index, b.Index), second = Math.Max(a.Index, b.Index);
                Report(MemoryMapProblem.Overlap, first, entries[first], action, second);
            }
        }
    }

    // Sweep over start/end events; each elementary interval takes the most restrictive type covering it.
    private void Resolve(List<Item> items)
    {
        var events = new List<(ulong Position, int Type, int Delta)>(items.Count * 2);
        foreach (var it in items)
        {
            events.Add((it.Start, (int)it.Type, +1));
            events.Add((it.End, (int)it.Type, -1));
        }
        events.Sort((a, b) => a.Position.CompareTo(b.Position));

        var counts = new int[MemoryTypes.Count];
        var result = new List<MemoryRange>();
        int k = 0;
        ulong previous = 0;
        while (k < events.Count)
        {
            ulong position = events[k].Position;
            int top = TopType(counts);
            if (top >= 0 && position > previous) Append(result, previous, position, (MemoryType)top);
            while (k < events.Count && events[k].Position == position)
            {
                counts[events[k].Type] += events[k].Delta;
                k++;
            }
            previous = position;
        }
        _ranges = result;
    }

    // Usable memory is handed out in frames: keep only whole frames, one diagnostic per range that lost bytes.
    private void TrimUsable()
    {
        var result = new List<MemoryRange>(_ranges.Count);
        foreach (var r in _ranges)
        {
            if (r.Type != MemoryType.Usable) { Append(result, r.Base.Value, r.End, r.Type); continue; }
            ulong s = (r.Base.Value + FrameMask) & ~FrameMask, e = r.End & ~FrameMask;
            if (s == r.Base.Value && e == r.End) { Append(result, s, e, r.Type); continue; }
            var entry = new MemoryMapEntry(r.Base, r.Length, 1);
            if (s >= e) { Report(MemoryMapProblem.Unaligned, -1, entry, "dropped: no whole 4 KiB frame"); continue; }
            Report(MemoryMapProblem.Unaligned, -1, entry, "trimmed to [0x" + s.ToString("x") + ", 0x"
                + e.ToString("x") + ")");
            Append(result, s, e, r.Type);
        }
        _ranges = result;
    }

    private static int TopType(int[] counts)
    {
        for (int t = counts.Length - 1; t >= 0; t--)
            if (counts[t] > 0) return t;
        return -1;
    }

    // Appends [start, end) to a sorted list, merging with the last range when adjacent and of the same type.
    private static void Append(List<MemoryRange> list, ulong start, ulong end, MemoryType type)
    {
        if (end <= start) return;
        if (list.Count > 0)
        {
            var last = list[^1];
            if (last.End == start && last.Type == type)
            {
                list[^1] = last with { Length = end - last.Base.Value };
                return;
            }
        }
        list.Add(new MemoryRange(new PhysicalAddress(start), end - start, type));
    }

    private void Report(MemoryMapProblem problem, int index, MemoryMapEntry entry, string action, int other = -1)
    {
        if (_diagnostics.Count < MaxDiagnostics)
            _diagnostics.Add(new MemoryMapDiagnostic(problem, index, entry, action, other));
        else if (_diagnostics.Count == MaxDiagnostics)
            _diagnostics.Add(new MemoryMapDiagnostic(MemoryMapProblem.Truncated, -1, default,
                "more problems were handled but not listed"));
    }
}
