using System;
using MemOS.Kernel.Hardware;
using MemOS.Kernel.Processes;

namespace MemOS.Kernel.Shell;

/// <summary>
/// The process behind `alloc`/`free`/`heap --user`: the one `--pid N` names, or the resident `heapd` the shell
/// starts on first use (in the background, with the backing `mode` says then). A request goes to the process through
/// memos_serve and comes back through memos_answer; the shell waits until the answer arrives, the process dies, or
/// <see cref="TimeoutMilliseconds"/> pass (the request is then withdrawn) — never forever.
/// </summary>
internal static class HeapServer
{
    public const string Program = "heapd";
    public const ulong TimeoutMilliseconds = 30_000;
    /// <summary>How long a runnable process that has not called memos_serve yet (one just started) is waited for.
    /// </summary>
    public const ulong StartMilliseconds = 5_000;

    private static Process? s_resident;
    private static ulong s_nextId = 1;

    /// <summary>The resident heapd if it is alive (for `gc`, `selftest`, `mode`), else null.</summary>
    public static Process? Resident => s_resident is { State: not ProcessState.Zombie } p ? p : null;

    /// <summary>
    /// The process a --user command acts in: pid (if given) must be a live process that serves requests; otherwise
    /// the resident heapd, started now if there is none and <paramref name="start"/> (a `free` has nothing to free in
    /// a heapd that does not exist yet, so it is refused instead). Null after printing why not.
    /// </summary>
    public static Process? Target(Command command, string? pidText, out string? started, bool start = true)
    {
        started = null;
        if (pidText != null)
        {
            Process? p = ProcessArgument.Find(command, pidText);
            if (p == null) return null;
            // Just started (`run heapd &`): it serves once it reaches memos_serve; one blocked elsewhere never will.
            ulong startBy = Timer.Milliseconds + StartMilliseconds;
            while (!p.Serves && p.State == ProcessState.Ready && Timer.Milliseconds < startBy) Scheduler.Idle();
            if (p.State == ProcessState.Zombie)
            {
                Console.WriteLine($"{command.Name}: pid {p.Pid} ({p.Name}) ended ({Status(p)})");
                Scheduler.Reap();
                return null;
            }
            if (!p.Serves)
            {
                Console.WriteLine($"{command.Name}: pid {p.Pid} ({p.Name}) does not serve heap requests "
                    + $"(only a program that calls memos_serve does, such as {Program}: see docs/processes.md)");
                return null;
            }
            return p;
        }
        if (Resident is { } resident) return resident;
        if (!start)
        {
            Console.WriteLine($"{command.Name}: no {Program} runs, so no --user block is live "
                + $"(alloc SIZE --user starts {Program}; --pid N names another serving process)");
            return null;
        }
        Process? d = ProcessLoader.Spawn(Program, [Program], Scheduler.Kernel, out string error);
        if (d == null)
        {
            Console.WriteLine($"{command.Name}: could not start {Program}: {error}");
            return null;
        }
        d.Background = true;
        ulong deadline = Timer.Milliseconds + TimeoutMilliseconds;
        while (!(d.Serves && d.State == ProcessState.WaitingForRequest) && d.State != ProcessState.Zombie
               && Timer.Milliseconds < deadline)
            Scheduler.Idle();
        if (d.State == ProcessState.Zombie || !d.Serves)
        {
            Console.WriteLine($"{command.Name}: {Program} (pid {d.Pid}) "
                + (d.State == ProcessState.Zombie ? $"ended before serving ({Status(d)})" : "did not start serving"));
            if (d.State != ProcessState.Zombie) Scheduler.Exit(d, 9);
            Scheduler.Reap();
            return null;
        }
        s_resident = d;
        started = $"({Program} started as pid {d.Pid}: the resident process that serves --user requests; "
            + $"`kill {d.Pid}` ends it)";
        return d;
    }

    /// <summary>
    /// Sends one request and waits for its answer; null (after printing why) when the process died or did not
    /// answer in time.
    /// </summary>
    public static ServiceRequest? Send(Command command, Process p, ServiceOp op, ulong arg0 = 0, ulong arg1 = 0)
    {
        if (p.State == ProcessState.Zombie) { Died(command, p); return null; }
        var r = new ServiceRequest(s_nextId++, op, arg0, arg1);
        // One request at a time per process: a withdrawn one that was never answered is replaced.
        p.Request = r;
        if (p.State == ProcessState.WaitingForRequest) p.State = ProcessState.Ready;
        ulong deadline = Timer.Milliseconds + TimeoutMilliseconds;
        while (!r.Answered && p.State != ProcessState.Zombie && Timer.Milliseconds < deadline) Scheduler.Idle();
        if (r.Answered) return r;
        if (p.Request == r) p.Request = null;
        if (p.State == ProcessState.Zombie) Died(command, p);
        else
            Console.WriteLine($"{command.Name}: pid {p.Pid} ({p.Name}) did not answer within "
                + $"{TimeoutMilliseconds / 1000} s; the request was withdrawn");
        return null;
    }

    private static void Died(Command command, Process p)
    {
        Console.WriteLine($"{command.Name}: pid {p.Pid} ({p.Name}) ended before answering ({Status(p)}); "
            + "nothing else was affected");
        Scheduler.Reap();
    }

    private static string Status(Process p) => (p.WaitStatus & 0x7F) != 0
        ? $"killed by signal {p.WaitStatus & 0x7F}"
        : $"exit status {p.WaitStatus >> 8}";
}
