using System;
using MemOS.Kernel.Hardware;

namespace MemOS.Kernel.Shell.Commands;

/// <summary>uptime: time since boot from the PIT, and the calibrated TSC rate.</summary>
internal sealed class UptimeCommand : Command
{
    public override string Name => "uptime";
    public override string Usage => "uptime";
    public override string Description => "time since boot";

    public override void Execute(Shell shell, Arguments args)
    {
        if (RefuseArguments(args)) return;
        ulong ms = Timer.Milliseconds;
        Console.WriteLine($"up {ms / 3_600_000}h {ms / 60_000 % 60:00}m {ms / 1000 % 60:00}.{ms % 1000:000}s "
            + $"({Timer.Ticks} timer ticks at 1000 Hz, TSC {Timer.TscPerSecond / 1_000_000} MHz)");
    }
}
