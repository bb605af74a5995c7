using System.Collections.Generic;
using MemOS.Memory.Tracing;

namespace MemOS.Kernel.MemoryManagement;

/// <summary>
/// The recent page faults (filled from the fault handler) and, while `trace` is on, the memory layers' events (it is
/// the <see cref="MemoryTrace"/> sink), in fixed rings: no allocation when they are written; the shell reads them
/// afterwards. Sequence numbers let a command ask "what happened since".
/// </summary>
internal sealed class FaultLog : IMemoryEventSink
{
    private const int Faults = 64, Events = 2048;
    private readonly FaultRecord[] _faults = new FaultRecord[Faults];
    private readonly MemoryEvent[] _events = new MemoryEvent[Events];
    private readonly int[] _eventPids = new int[Events]; // the task running when each event was recorded
    private ulong _faultCount, _eventCount;

    public ulong FaultCount => _faultCount;
    public ulong EventCount => _eventCount;

    public void Add(in FaultRecord record) => _faults[_faultCount++ % Faults] = record with { Sequence = _faultCount };

    public void Record(in MemoryEvent e)
    {
        _eventPids[_eventCount % Events] = Processes.Scheduler.CurrentProcess?.Pid ?? 0;
        _events[_eventCount++ % Events] = e;
    }

    /// <summary>The faults recorded after sequence `since` (at most the ring's size), oldest first.</summary>
    // The count is read once, before the list exists: growing the list may itself fault (a demand-backed heap page)
    // and must not add entries to what is being read.
    public List<FaultRecord> FaultsSince(ulong since)
    {
        ulong end = _faultCount;
        ulong from = end > Faults && since < end - Faults ? end - Faults : since;
        var list = new List<FaultRecord>(end > from ? (int)(end - from) : 0);
        for (ulong i = from; i < end; i++) list.Add(_faults[i % Faults]);
        return list;
    }

    /// <summary>The events recorded in [since, until) that the ring still holds, oldest first.</summary>
    public List<MemoryEvent> EventsBetween(ulong since, ulong until)
    {
        ulong end = until < _eventCount ? until : _eventCount;
        ulong from = end > Events && since < end - Events ? end - Events : since;
        var list = new List<MemoryEvent>(end > from ? (int)(end - from) : 0);
        for (ulong i = from; i < end; i++) list.Add(_events[i % Events]);
        return list;
    }

    /// <summary>The events of process `pid` in [since, until) that the ring still holds, oldest first; `lost`: how
    /// many events of the range (of any task) the ring no longer holds.</summary>
    public List<MemoryEvent> EventsOf(int pid, ulong since, ulong until, out ulong lost)
    {
        ulong end = until < _eventCount ? until : _eventCount;
        ulong from = end > Events && since < end - Events ? end - Events : since;
        lost = from - since;
        var list = new List<MemoryEvent>();
        for (ulong i = from; i < end; i++)
            if (_eventPids[i % Events] == pid) list.Add(_events[i % Events]);
        return list;
    }
}
