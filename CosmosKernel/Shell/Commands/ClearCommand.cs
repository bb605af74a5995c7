using MemOS.Kernel.TextConsole;

namespace MemOS.Kernel.Shell.Commands;

/// <summary>clear: blanks the screen.</summary>
internal sealed class ClearCommand : Command
{
    public override string Name => "clear";
    public override string[] Aliases => ["cls"];
    public override string Usage => "clear";
    public override string Description => "clear the screen";

    public override void Execute(Shell shell, Arguments args)
    {
        if (RefuseArguments(args)) return;
        Terminal.Clear();
    }
}
