namespace MemOS.Kernel.Processes;

/// <summary>Where a process is in its life. Only Ready processes are picked by the scheduler.</summary>
internal enum ProcessState : byte
{
    Ready,
    Running,
    /// <summary>In `read` with no line typed yet (only the foreground process is woken to look again).</summary>
    WaitingForInput,
    /// <summary>In `nanosleep` until its wake time.</summary>
    Sleeping,
    /// <summary>In `wait4`/`waitid`/`memos_spawn` until a child exits.</summary>
    WaitingForChild,
    /// <summary>In `memos_serve` until the shell sends it a request (alloc/free/heap --user).</summary>
    WaitingForRequest,
    /// <summary>Exited or killed: its memory is gone, its exit status waits for its parent.</summary>
    Zombie,
}

internal static class ProcessStates
{
    public static string Name(this ProcessState s) => s switch
    {
        ProcessState.Ready => "ready",
        ProcessState.Running => "running",
        ProcessState.WaitingForInput => "read",
        ProcessState.Sleeping => "sleep",
        ProcessState.WaitingForChild => "wait",
        ProcessState.WaitingForRequest => "serve",
        ProcessState.Zombie => "zombie",
        _ => "?",
    };
}
