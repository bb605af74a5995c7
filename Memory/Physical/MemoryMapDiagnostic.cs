namespace MemOS.Memory.Physical;

/// <summary>
/// One problem found while sanitising a memory map: what, which entry (index into the firmware's list, or -1
/// for a range derived after merging), the entry itself, and what was done about it.
/// </summary>
public sealed record MemoryMapDiagnostic(MemoryMapProblem Problem, int EntryIndex, MemoryMapEntry Entry, string Action,
    int OtherEntryIndex = -1)
{
    public override string ToString()
    {
        string who = EntryIndex >= 0 ? "entry " + EntryIndex.ToString() + " " : "";
        string other = OtherEntryIndex >= 0 ? " (with entry " + OtherEntryIndex.ToString() + ")" : "";
        return Problem.Name() + ": " + who + Entry.ToString() + other + ": " + Action;
    }
}
