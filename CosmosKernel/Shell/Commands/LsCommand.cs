using System;
using MemOS.Kernel.Processes;

namespace MemOS.Kernel.Shell.Commands;

/// <summary>ls: the programs in the boot archives (tar modules), with their sizes.</summary>
internal sealed class LsCommand : Command
{
    public override string Name => "ls";
    public override string Usage => "ls";
    public override string Description => "the programs in the boot archive (run them with `run`)";

    public override void Execute(Shell shell, Arguments args)
    {
        if (args.Count > 0) { Shell.UsageError(this, "takes no arguments"); return; }
        var list = ProgramArchive.List();
        foreach (var (name, size, module) in list)
            Console.WriteLine($"{Format.Pad(name, 16)} {Format.PadLeft(Format.Size(size), 10)}  {module}");
        foreach (string problem in ProgramArchive.Problems) Console.WriteLine($"ls: {problem}");
        if (list.Count == 0)
            Console.WriteLine(
                "no programs: the kernel was booted without a program archive (qemu -initrd, GRUB module2)");
        else Console.WriteLine($"{list.Count} programs");
    }
}
