using System;
using System.Collections.Generic;
using System.Linq;
using MemOS.Memory.Tracing;

namespace MemOS.Tests.Memory.Tracing;

/// <summary>
/// A memory-event sink for host tests: installed as <see cref="MemoryTrace.Sink"/> while it lives, it keeps every
/// event; disposing it puts the previous sink back.
/// </summary>
public sealed class RecordingSink : IMemoryEventSink, IDisposable
{
    private readonly IMemoryEventSink? _previous;

    public RecordingSink() => _previous = MemoryTrace.Use(this);

    public List<MemoryEvent> Events { get; } = new();

    public void Record(in MemoryEvent e) => Events.Add(e);

    public MemoryEventKind[] Kinds => Events.Select(e => e.Kind).ToArray();

    /// <summary>The events' own words joined with arrows.</summary>
    public string Text => string.Join(" → ", Events.Select(e => e.Describe()));

    public void Dispose() => MemoryTrace.Use(_previous);
}
