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
    public List<FaultRecord> FaultsSince(ulong since)
    {
        var list = new List<FaultRecord>();
        ulong from = _faultCount > Faults && since < _faultCount - Faults ? _faultCount - Faults : since;
        for (ulong i = from; i < _faultCount; i++) list.Add(_faults[i % Faults]);
        return list;
    }

    public List<FaultTraceEvent> EventsSince(ulong since)
    {
        var list = new List<FaultTraceEvent>();
        ulong from = _eventCount > Events && since < _eventCount - Events ? _eventCount - Events : since;
        for (ulong i = from; i < _eventCount; i++) list.Add(_events[i % Events]);
        return list;
    }
}
