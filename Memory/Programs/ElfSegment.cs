namespace MemOS.Memory.Programs;

/// <summary>One PT_LOAD segment: where it goes, how much of it comes from the file, and what it may do.</summary>
public readonly record struct ElfSegment(ulong VirtualAddress, ulong MemorySize, ulong FileOffset, ulong FileSize,
    bool Read, bool Write, bool Execute)
{
    /// <summary>First page the segment touches.</summary>
    public ulong PageStart => VirtualAddress & ~0xFFFUL;

    /// <summary>First byte after the last page the segment touches.</summary>
    public ulong PageEnd => (VirtualAddress + MemorySize + 0xFFF) & ~0xFFFUL;

    /// <summary>"r-x" as in /proc/PID/maps.</summary>
    public string Permissions => (Read ? "r" : "-") + (Write ? "w" : "-") + (Execute ? "x" : "-");
}
