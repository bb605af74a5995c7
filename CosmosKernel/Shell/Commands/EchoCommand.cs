using System;

namespace MemOS.Kernel.Shell.Commands;

/// <summary>echo: prints its arguments.</summary>
internal sealed class EchoCommand : Command
{
    public override string Name => "echo";
    public override string Usage => "echo [TEXT...]";
    public override string Description => "print the text given";

    public override void Execute(Shell shell, Arguments args)
    {
        var parts = new string[args.Count];
        for (int i = 0; i < args.Count; i++) parts[i] = args[i];
        Console.WriteLine(string.Join(" ", parts));
    }
}
