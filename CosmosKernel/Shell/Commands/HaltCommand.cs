using System;
using MemOS.Kernel.Hardware;

namespace MemOS.Kernel.Shell.Commands;

/// <summary>halt: stops the machine (QEMU exits through isa-debug-exit when present, else the CPU halts).</summary>
internal sealed class HaltCommand : Command
{
    public override string Name => "halt";
    public override string[] Aliases => ["shutdown", "poweroff"];
    public override string Usage => "halt";
    public override string Description => "stop the machine";

    public override void Execute(Shell shell, Arguments args)
    {
        if (RefuseArguments(args)) return;
        Console.WriteLine("MemOS halted.");
        Machine.PowerOff();
    }
}
