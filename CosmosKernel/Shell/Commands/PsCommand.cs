using System;
using MemOS.Kernel.Hardware;
using MemOS.Kernel.Processes;

namespace MemOS.Kernel.Shell.Commands;

/// <summary>
/// ps: every task with its state, resident pages, heap (program break) size, faults and system calls.
/// </summary>
internal sealed class PsCommand : Command
{
    public override string Name => "ps";
    public override string Usage => "ps";
    public override string Description => "processes: pid, state, resident pages, heap size, page faults, system calls";

    public override void Execute(Shell shell, Arguments args)
    {
        if (args.Count > 0) { Shell.UsageError(this, "takes no arguments"); return; }
        Console.WriteLine("  PID STATE    RESIDENT   HEAP       FAULTS  SYSCALLS  TIME     PROGRAM");
        foreach (Process p in Scheduler.Tasks)
        {
            string resident = p.IsKernelTask ? "-" : $"{p.ResidentPages} pages";
            string heap = p.IsKernelTask ? "-" : Format.Size(p.Break - p.BreakStart);
            ulong ms = p.IsKernelTask ? Timer.Milliseconds : Timer.Milliseconds - p.StartedAt;
            string args0 = p.IsKernelTask ? "kernel (the shell)" : string.Join(' ', p.Arguments);
            string time = ms / 1000 + "." + (ms % 1000 / 100) + "s";
            Console.WriteLine($"{Format.PadLeft(p.Pid.ToString(), 5)} {Format.Pad(p.State.Name(), 8)} "
                + $"{Format.Pad(resident, 10)} {Format.Pad(heap, 10)} "
                + $"{Format.PadLeft(p.PageFaults.ToString(), 6)}  {Format.PadLeft(p.SystemCalls.ToString(), 8)}  "
                + $"{Format.Pad(time, 8)} {args0}");
        }
    }
}
