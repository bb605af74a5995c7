using MemOS.Memory.Virtual;

namespace MemOS.Kernel.Processes;

/// <summary>
/// One process: its address space (own PML4, kernel half shared), its kernel stack (guard page below it), the
/// saved kernel stack pointer while it is not running, its FS base, the program break, and what it has cost.
/// The kernel task (pid 0, the shell) is a Process too, with the kernel's address space and the boot stack.
/// </summary>
internal sealed class Process
{
    public Process(int pid, string name, string[] arguments, AddressSpace space, Process? parent)
    {
        Pid = pid;
        Name = name;
        Arguments = arguments;
        Space = space;
        Parent = parent;
    }

    public int Pid { get; }
    public string Name { get; }
    public string[] Arguments { get; }
    public AddressSpace Space { get; }
    public Process? Parent { get; }
    public bool IsKernelTask => Pid == 0;

    public ProcessState State { get; set; } = ProcessState.Ready;
    /// <summary>The kernel stack's region in the kernel half (null for the kernel task and once reaped).</summary>
    public Region? KernelStack { get; set; }
    public ulong KernelStackTop { get; set; }
    /// <summary>rsp saved by memos_switch while the process is not running (a field: objects never move).</summary>
    public ulong SavedRsp;
    public ulong FsBase { get; set; }
    public ulong ClearChildTid { get; set; }

    public Region? HeapRegion { get; set; }
    public ulong BreakStart { get; set; }
    public ulong Break { get; set; }
    public ulong Entry { get; set; }

    /// <summary>When a sleeping process wakes, in Timer milliseconds.</summary>
    public ulong WakeAt { get; set; }
    /// <summary>A `read` line typed but not yet consumed.</summary>
    public byte[]? PendingInput { get; set; }
    public TextConsole.LineEditor? Editor { get; set; }
    public int PendingOffset { get; set; }

    /// <summary>Linux wait status: exit code &lt;&lt; 8, or the signal number that killed it.</summary>
    public int WaitStatus { get; set; }
    public bool Background { get; set; }

    public ulong PageFaults { get; set; }
    public ulong DemandZeroFaults { get; set; }
    public ulong ZeroPageFaults { get; set; }
    public ulong CopyOnWriteFaults { get; set; }
    public ulong LastFaultAddress { get; set; }

    /// <summary>Where a fault the process handles itself resumes (memos_fault_handler); 0 = none, the kernel kills.
    /// A delivery disarms it (0 again) until the process registers it anew: a fault inside the handler kills.</summary>
    public ulong FaultHandler { get; set; }
    /// <summary>The segfault line of the last fault handed to FaultHandler (memos_fault_unhandled prints it).
    /// </summary>
    public string? DeliveredFaultReport { get; set; }
    public int DeliveredFaultSignal { get; set; }
    public ulong FaultsDelivered { get; set; }
    /// <summary>The process has called memos_serve: it answers the shell's heap requests (alloc/free/heap --user).
    /// </summary>
    public bool Serves { get; set; }
    /// <summary>The request the shell sent it and it has not answered yet (null: none).</summary>
    public ServiceRequest? Request { get; set; }
    public ulong SystemCalls { get; set; }
    public ulong StartedAt { get; set; }

    public ulong ResidentPages => Space.ResidentPages;

    public ulong MappedPages
    {
        get
        {
            ulong pages = 0;
            foreach (Region r in Space.Regions) pages += r.Length / 4096;
            return pages;
        }
    }
}
