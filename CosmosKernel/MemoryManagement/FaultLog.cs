using System.Collections.Generic;
using MemOS.Memory.Faults;

namespace MemOS.Kernel.MemoryManagement;

/// <summary>
/// The recent page faults and the resolver's trace events, in fixed rings filled from the fault handler (no
/// allocation there); the shell reads them afterwards. Sequence numbers let a command ask "what happened since".
/// </summary>
internal sealed class FaultLog
{
    private const int Faults = 64, Events = 512;
    private readonly FaultRecord[] _faults = new FaultRecord[Faults];
    private readonly FaultTraceEvent[] _events = new FaultTraceEvent[Events];
    private ulong _faultCount, _eventCount;

    public ulong FaultCount => _faultCount;
    public ulong EventCount => _eventCount;

    public void Add(in FaultRecord record) => _faults[_faultCount++ % Faults] = record with { Sequence = _faultCount };

    public void Add(FaultTraceEvent e) => _events[_eventCount++ % Events] = e;

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

    public List<FaultTraceEvent> EventsSince(ulong since)
    {
        ulong end = _eventCount;
        ulong from = end > Events && since < end - Events ? end - Events : since;
        var list = new List<FaultTraceEvent>(end > from ? (int)(end - from) : 0);
        for (ulong i = from; i < end; i++) list.Add(_events[i % Events]);
        return list;
    }
}
