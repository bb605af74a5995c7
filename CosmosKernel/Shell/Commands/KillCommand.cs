using System;
using MemOS.Kernel.Processes;

namespace MemOS.Kernel.Shell.Commands;

/// <summary>kill: ends a process at once (as SIGKILL): its memory goes back, its parent sees it killed.</summary>
internal sealed class KillCommand : Command
{
    public override string Name => "kill";
    public override string Usage => "kill PID";
    public override string Description => "end a process (its frames and page tables go back to the PMM)";

    public override void Execute(Shell shell, Arguments args)
    {
        if (args.Count != 1) { Shell.UsageError(this, "one PID"); return; }
        if (!int.TryParse(args[0], out int pid))
        {
            Shell.UsageError(this, $"'{Shell.Printable(args[0])}' is not a pid");
            return;
        }
        Process? p = Scheduler.Find(pid);
        if (p == null) { Console.WriteLine($"kill: no process {pid}"); return; }
        if (p.IsKernelTask) { Console.WriteLine("kill: pid 0 is the kernel"); return; }
        if (p.State == ProcessState.Zombie) { Console.WriteLine($"kill: {pid} has already exited"); return; }
        Scheduler.Exit(p, 9);
        Console.WriteLine($"[{pid}] {p.Name} killed");
        Scheduler.Reap();
    }
}
