using System;
using MemOS.Kernel.Processes;

namespace MemOS.Kernel.Shell;

/// <summary>
/// A PID argument naming a live process (not the kernel, not one that has exited), or a one-line error.
/// </summary>
internal static class ProcessArgument
{
    public static Process? Find(Command command, string text)
    {
        if (!int.TryParse(text, out int pid))
        {
            Shell.UsageError(command, $"'{Shell.Printable(text)}' is not a pid");
            return null;
        }
        Process? p = Scheduler.Find(pid);
        if (p == null || p.IsKernelTask || p.State == ProcessState.Zombie)
        {
            Console.WriteLine($"{command.Name}: no live process {pid} (see ps)");
            return null;
        }
        return p;
    }
}
