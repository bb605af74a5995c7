namespace MemOS.Kernel.Processes;

/// <summary>What the shell asks a serving process to do with its own heap (memos_serve's `op`).</summary>
internal enum ServiceOp : ulong
{
    /// <summary>arg0 = size, arg1 = alignment: the answer's value is the block's address.</summary>
    Allocate = 1,
    /// <summary>arg0 = address: the answer's value is the block's size.</summary>
    Free = 2,
    /// <summary>The heap's statistics, as text.</summary>
    Statistics = 3,
    /// <summary>arg0 = how many: the heap's first blocks, as text.</summary>
    Blocks = 4,
    /// <summary>The heap's own validation (HeapCore.Check), as text.</summary>
    Check = 5,
    /// <summary>A collection, then the heap's free pages at the top go back (gc).</summary>
    Trim = 6,
}

/// <summary>
/// One request from the shell to a process that serves them (memos_serve / memos_answer), and its answer. The
/// kernel only carries numbers and text between the two: the heap work, and every pointer it follows, is the
/// process's, in ring 3.
/// </summary>
internal sealed class ServiceRequest(ulong id, ServiceOp op, ulong arg0, ulong arg1)
{
    public ulong Id { get; } = id;
    public ServiceOp Op { get; } = op;
    public ulong Arg0 { get; } = arg0;
    public ulong Arg1 { get; } = arg1;
    /// <summary>The process has read it (memos_serve returned it).</summary>
    public bool Taken { get; set; }
    public bool Answered { get; set; }
    /// <summary>0 = done; otherwise the process's error code (its MemoryError, or -errno).</summary>
    public long Status { get; set; }
    public ulong Value { get; set; }
    public string Text { get; set; } = "";
}
