using System;
using MemOS.Kernel.Processes;

namespace MemOS.Kernel.Shell.Commands;

/// <summary>
/// run: starts a program from the archive in its own address space, in ring 3; waits unless `&amp;` ends the line.
/// </summary>
internal sealed class RunCommand : Command
{
    public override string Name => "run";
    public override string Usage => "run PROGRAM [ARGS...] [&]";
    public override string Description => "run a program in its own process (ring 3); '&' runs it in the background";
    public override string Details =>
        "The program gets its own address space and the console; the shell waits until it exits (Ctrl+C in a\n" +
        "read ends it). With '&' the shell returns at once: `ps` lists it, `kill PID` ends it.\n" +
        "example: run hello    run chello a b    run cspin 500 &";

    public override void Execute(Shell shell, Arguments args)
    {
        if (args.Count == 0) { Shell.UsageError(this, "which program?"); return; }
        int count = args.Count;
        bool background = args[count - 1] == "&";
        if (background) count--;
        if (count == 0) { Shell.UsageError(this, "which program?"); return; }
        var argv = new string[count];
        for (int i = 0; i < count; i++) argv[i] = args[i];
        Process? p = ProcessLoader.Spawn(argv[0], argv, Scheduler.Kernel, out string error);
        if (p == null) { Console.WriteLine($"run: {error}"); return; }
        if (background)
        {
            p.Background = true;
            Console.WriteLine($"[{p.Pid}] {p.Name}");
            return;
        }
        MemoryManagement.FaultLog? log = MemoryManagement.KernelMemory.Current?.Faults;
        ulong eventsBefore = log?.EventCount ?? 0;
        Scheduler.Foreground = p;
        Scheduler.WaitForExit(p);
        Scheduler.Foreground = null;
        int status = p.WaitStatus;
        Scheduler.Remove(p);
        if ((status & 0x7F) != 0) Console.WriteLine($"[{p.Pid}] {p.Name} killed by signal {status & 0x7F}");
        else if ((status >> 8) != 0) Console.WriteLine($"[{p.Pid}] {p.Name} exited with status {status >> 8}");
        if (log != null && Memory.Tracing.MemoryTrace.On) TraceCommand.NarrateProcess(log, p.Pid, eventsBefore);
    }
}
