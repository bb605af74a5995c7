using System.Runtime.CompilerServices;

namespace MemOS.Memory.Tracing;

/// <summary>
/// The one switch and the one sink of memory tracing: every layer hands its events to <see cref="Sink"/> when it is
/// set, and does nothing else when it is null (one predictable branch, no allocation).
/// </summary>
/// <remarks>
/// Process-wide on purpose: the layers of one machine narrate into one story, in the order things happened. Host
/// tests that set it restore it (see <see cref="Use"/>).
/// </remarks>
public static class MemoryTrace
{
    // Written only by Use. A plain bool beside the sink: in the kernel (NativeAOT) a non-reference static is one
    // memory operand away, so the test the heap's fast path pays is a single compare.
    private static IMemoryEventSink? s_sink;
    private static bool s_on;

    /// <summary>Where events go; null = tracing off.</summary>
    public static IMemoryEventSink? Sink => s_sink;

    /// <summary>Tracing is on.</summary>
    public static bool On
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => s_on;
    }

    /// <summary>Send events to <paramref name="sink"/> (null = off) and return the previous sink.</summary>
    public static IMemoryEventSink? Use(IMemoryEventSink? sink)
    {
        var previous = s_sink;
        s_sink = sink;
        s_on = sink != null;
        return previous;
    }

    /// <summary>
    /// Record an event if tracing is on. Emitting sites test <see cref="On"/> first (`if (MemoryTrace.On) Emit(...)`),
    /// so the off case is one load and one branch, with no argument set up and no call.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Emit(MemoryEventKind kind, ulong address = 0, ulong size = 0, ulong frame = 0,
        ulong value = 0, uint detail = 0, Virtual.Region? region = null)
    {
        var sink = s_sink;
        if (sink != null) sink.Record(new MemoryEvent(kind, address, size, frame, value, detail, region));
    }
}
