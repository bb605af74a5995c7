using MemOS.Memory.Paging;
using MemOS.Memory.Virtual;

namespace MemOS.Memory.Faults;

/// <summary>One step of a fault's story.</summary>
public enum FaultTraceKind : byte
{
    Fault,
    RegionFound,
    FrameRequested,
    FrameZeroed,
    FrameCopied,
    FrameMapped,
    ZeroPageMapped,
    ReferenceDropped,
    MadeWritable,
    NoWork,
    Violation,
}

/// <summary>
/// A trace event raised while a fault is resolved. Plain data so raising it costs nothing; the words
/// ("page fault at A (write, not present) → region R (demand) → ...") are produced later by Describe.
/// </summary>
public readonly record struct FaultTraceEvent(FaultTraceKind Kind, VirtualAddress Address, ErrorCode Code,
    Region? Region, PhysicalAddress Frame, PhysicalAddress Source, PageFlags Flags, FaultOutcome Outcome)
{
    /// <summary>The event in the words of the Osdev-Notes chapter "Memory Allocation". Allocates.</summary>
    public string Describe() => Kind switch
    {
        FaultTraceKind.Fault => "page fault at " + Address + " (" + Code.Describe() + ")",
        // a page filled at fault time is demand-backed, whatever policy the region was created under (growth follows
        // `mode`)
        FaultTraceKind.RegionFound => "region " + Region?.Name + " ("
            + (Outcome is FaultOutcome.ZeroPageMapped or FaultOutcome.PrivateFrameMapped or FaultOutcome.ZeroPageCopied
                ? "demand" : Region?.Backing.Describe()) + ")",
        FaultTraceKind.FrameRequested => "VMM asks PMM for a frame",
        FaultTraceKind.FrameZeroed => "frame " + Frame + " zeroed",
        FaultTraceKind.FrameCopied => "frame " + Frame + " copied from " + Source,
        FaultTraceKind.FrameMapped => "frame " + Frame + " mapped at " + Address + " (" + Access(Flags) + ")",
        FaultTraceKind.ZeroPageMapped => "zero page " + Frame + " mapped at " + Address + " (" + Access(Flags) + ")",
        FaultTraceKind.ReferenceDropped => "frame " + Source + " reference dropped",
        FaultTraceKind.MadeWritable => "frame " + Frame + " at " + Address + " made writable (only reference)",
        FaultTraceKind.NoWork => "already mapped, no work",
        _ => "violation: " + Outcome.Describe(),
    };

    public override string ToString() => Describe();

    /// <summary>A whole fault's events joined with arrows, as the shell's trace prints them.</summary>
    public static string Join(System.Collections.Generic.IEnumerable<FaultTraceEvent> events)
    {
        var sb = new System.Text.StringBuilder();
        foreach (var e in events)
        {
            if (sb.Length > 0) sb.Append(" → ");
            sb.Append(e.Describe());
        }
        return sb.ToString();
    }

    private static string Access(PageFlags flags)
        => "R" + ((flags & PageFlags.Writable) != 0 ? "W" : "") + ((flags & PageFlags.NoExecute) == 0 ? "X" : "")
           + ((flags & PageFlags.User) != 0 ? ", user" : "");
}
