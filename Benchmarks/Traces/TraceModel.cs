using System.IO;

namespace MemOS.Benchmarks.Traces;

/// <summary>
/// What a trace does, derived without an allocator: every free and realloc names a live slot, every allocation a
/// free one; requested bytes live at the end and at the peak; counts by op. A replay is checked against it.
/// </summary>
public readonly record struct TraceModel(
    long Mallocs, long Frees, long Callocs, long Reallocs, long Memaligns,
    ulong LiveBytesAtEnd, long LiveBlocksAtEnd, ulong PeakLiveBytes, long SmallRequests)
{
    /// <summary>Requests of at most this many bytes count as small in <see cref="SmallRequests"/>.</summary>
    public const ulong SmallSize = 16;

    public long Events => Mallocs + Frees + Callocs + Reallocs + Memaligns;

    /// <summary>The model of <paramref name="trace"/>, or an InvalidDataException at its first inconsistent
    /// event.</summary>
    public static TraceModel Of(HeapTrace trace)
    {
        var sizes = new ulong[trace.Slots];
        var live = new bool[trace.Slots];
        long mallocs = 0, frees = 0, callocs = 0, reallocs = 0, memaligns = 0, blocks = 0, small = 0;
        ulong bytes = 0, peak = 0;
        for (int i = 0; i < trace.Events.Length; i++)
        {
            var e = trace.Events[i];
            int s = e.Slot;
            bool wantsLive = e.Op is TraceOp.Free or TraceOp.Realloc;
            if (live[s] != wantsLive)
                throw new InvalidDataException($"{trace.Name}: event {i} ({e.Op}) names slot {s}, which is "
                    + (live[s] ? "live" : "free"));
            switch (e.Op)
            {
                case TraceOp.Free:
                    frees++;
                    bytes -= sizes[s];
                    blocks--;
                    live[s] = false;
                    continue;
                case TraceOp.Realloc:
                    reallocs++;
                    bytes -= sizes[s];
                    blocks--;
                    break;
                case TraceOp.Malloc: mallocs++; break;
                case TraceOp.Calloc: callocs++; break;
                default:
                    if (e.Alignment == 0 || (e.Alignment & (e.Alignment - 1)) != 0)
                        throw new InvalidDataException($"{trace.Name}: event {i}: alignment {e.Alignment}");
                    memaligns++;
                    break;
            }
            if (e.Size <= SmallSize) small++;
            sizes[s] = e.Size;
            live[s] = true;
            bytes += e.Size;
            blocks++;
            if (bytes > peak) peak = bytes;
        }
        return new TraceModel(mallocs, frees, callocs, reallocs, memaligns, bytes, blocks, peak, small);
    }
}
