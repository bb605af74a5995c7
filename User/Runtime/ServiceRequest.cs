namespace MemOS.User.Runtime;

/// <summary>What memos_serve (0x1004) writes: one request from the shell, each field a little-endian u64.</summary>
public struct ServiceRequest
{
    public ulong Size;
    public ulong Id;
    /// <summary>1 allocate (arg0 size, arg1 alignment), 2 free (arg0 address), 3 statistics, 4 blocks (arg0 count),
    /// 5 check, 6 trim.</summary>
    public ulong Op;
    public ulong Arg0;
    public ulong Arg1;
}
