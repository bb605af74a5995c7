using System.Collections.Generic;

namespace MemOS.Kernel.Shell;

/// <summary>
/// The frames `pmm alloc` handed out, as runs: a run from AllocateContiguous goes back to the PMM whole, when the
/// last of its frames is freed; single frames are runs of one. The frames `pmm free` took back are remembered too
/// (a second free of one is a double free even if the kernel has reused the frame since), forgotten past a bound.
/// </summary>
internal sealed class HandFrames
{
    private const int FreedMemory = 4096;
    private readonly Dictionary<ulong, ulong> _runOf = new();                   // frame → head of its run
    private readonly Dictionary<ulong, (int Order, int Held)> _runs = new();    // head → order, frames still held
    private readonly HashSet<ulong> _freed = new();

    /// <summary>A run of `count` frames from `head` (count ≤ 2^order), all held.</summary>
    public void AddRun(ulong head, int order, int count)
    {
        _runs[head] = (order, count);
        for (ulong i = 0; i < (ulong)count; i++)
        {
            ulong frame = head + i * MemoryView.Frame;
            _runOf[frame] = head;
            _freed.Remove(frame);
        }
    }

    public bool WasFreed(ulong frame) => _freed.Contains(frame);

    /// <summary>
    /// Lets go of one held frame. False if the shell does not hold it. stillHeld is how many frames of its run the
    /// shell keeps; at 0 the run is forgotten and the caller gives it back to the PMM (order says how).
    /// </summary>
    public bool TryRelease(ulong frame, out ulong head, out int order, out int stillHeld)
    {
        order = stillHeld = 0;
        if (!_runOf.TryGetValue(frame, out head) || !_runs.TryGetValue(head, out var run)) return false;
        _runOf.Remove(frame);
        if (_freed.Count >= FreedMemory) _freed.Clear(); // bounded: forget the oldest history wholesale
        _freed.Add(frame);
        order = run.Order;
        stillHeld = run.Held - 1;
        if (stillHeld > 0) _runs[head] = (run.Order, stillHeld);
        else _runs.Remove(head);
        return true;
    }
}
