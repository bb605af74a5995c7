using System;

namespace MemOS.Benchmarks.Traces;

/// <summary>
/// Replays a trace against a target: each event's call, then a write to every 4 KiB page the block gained (its
/// first byte, and one byte per page after it; a realloc writes only the part that grew), since the program wrote
/// its blocks too and a footprint of untouched memory would mean nothing. At the end every block still live is
/// freed (the program's exit), so the target is back where it started and can replay again.
/// </summary>
public sealed unsafe class TraceReplayer
{
    private const int Page = 4096;
    private readonly nint[] _blocks;
    private readonly nuint[] _sizes;

    public TraceReplayer(HeapTrace trace)
    {
        Trace = trace;
        Model = TraceModel.Of(trace);
        _blocks = new nint[trace.Slots];
        _sizes = new nuint[trace.Slots];
    }

    public HeapTrace Trace { get; }

    public TraceModel Model { get; }

    /// <summary>Requested bytes live now, by the replay's own count (checked against the model).</summary>
    public ulong LiveBytes { get; private set; }

    /// <summary>
    /// Replay every event. <paramref name="sample"/>, when given, is called every <paramref name="sampleEvery"/>
    /// events and after each allocation of at least 64 KiB (before the exit's frees); <paramref name="keepLive"/>
    /// leaves the blocks live at the end allocated (for a check of the heap in that state; call
    /// <see cref="FreeAll"/> after).
    /// </summary>
    public void Run(IReplayTarget target, Action? sample = null, int sampleEvery = 256, bool keepLive = false)
    {
        var events = Trace.Events;
        nint[] blocks = _blocks;
        nuint[] sizes = _sizes;
        ulong live = 0;
        for (int i = 0; i < events.Length; i++)
        {
            ref readonly TraceEvent e = ref events[i];
            int s = e.Slot;
            nuint size = (nuint)e.Size;
            nint p;
            nuint from = 0;
            switch (e.Op)
            {
                case TraceOp.Free:
                    target.Free(blocks[s]);
                    live -= sizes[s];
                    blocks[s] = 0;
                    if (sample != null && i % sampleEvery == 0) sample();
                    continue;
                case TraceOp.Malloc: p = target.Malloc(size); break;
                case TraceOp.Calloc: p = target.Calloc(size); break;
                case TraceOp.Memalign: p = target.Memalign((nuint)e.Alignment, size); break;
                default:
                    p = target.Realloc(blocks[s], sizes[s], size == 0 ? 1 : size);
                    live -= sizes[s];
                    from = sizes[s];
                    break;
            }
            if (p == 0)
                throw new InvalidOperationException($"{target.Name}: out of memory at event {i} ({e.Op} {size})");
            if (e.Op == TraceOp.Memalign && (p & (nint)(e.Alignment - 1)) != 0)
                throw new InvalidOperationException($"{target.Name}: event {i}: 0x{p:x} not aligned to {e.Alignment}");
            blocks[s] = p;
            sizes[s] = size;
            live += size;
            Touch(p, from, size);
            if (sample != null && (i % sampleEvery == 0 || size >= 65536)) sample();
        }
        LiveBytes = live;
        if (!keepLive) FreeAll(target);
    }

    /// <summary>Free every block still live (what the program's exit gives back).</summary>
    public void FreeAll(IReplayTarget target)
    {
        for (int s = 0; s < _blocks.Length; s++)
        {
            if (_blocks[s] == 0) continue;
            target.Free(_blocks[s]);
            _blocks[s] = 0;
        }
        LiveBytes = 0;
    }

    private static void Touch(nint block, nuint from, nuint size)
    {
        byte* p = (byte*)block;
        if (from == 0 && size > 0) p[0] = 1;
        for (nuint at = (from + Page) & ~(nuint)(Page - 1); at < size; at += Page) p[at] = 1;
    }
}
