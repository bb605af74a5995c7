using System;
using MemOS.Kernel.Hardware;

namespace MemOS.Kernel.Shell.Commands;

/// <summary>reboot: resets the machine through the keyboard controller.</summary>
internal sealed class RebootCommand : Command
{
    public override string Name => "reboot";
    public override string[] Aliases => ["restart"];
    public override string Usage => "reboot";
    public override string Description => "restart the machine";

    public override void Execute(Shell shell, Arguments args)
    {
        if (RefuseArguments(args)) return;
        Console.WriteLine("rebooting...");
        Machine.Reboot();
    }
}
