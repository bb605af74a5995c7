namespace MemOS.User.Runtime;

/// <summary>What memos_memstat (0x1001) writes: the calling process's own counts, each a little-endian u64.</summary>
public struct MemStat
{
    public ulong Size;
    public ulong Pid;
    public ulong ResidentPages;
    public ulong MappedPages;
    public ulong PageFaults;
    public ulong DemandZeroFaults;
    public ulong ZeroPageFaults;
    public ulong CowFaults;
    public ulong LastFaultAddress;
}
