using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace MemOS.Kernel.Shell.Commands;

/// <summary>throw: raises an exception on purpose, so the per-command catch (and OOM recovery) can be seen.</summary>
internal sealed class ThrowCommand : Command
{
    public override string Name => "throw";
    public override string Usage => "throw message TEXT | null | divide | oom";
    public override string Description => "raise an exception in a command: the shell reports it and carries on";
    public override string Details =>
        "  message TEXT  throw new InvalidOperationException(TEXT)\n" +
        "  null          read a field through a null reference (a page fault in the null guard)\n" +
        "  divide        integer division by zero (#DE)\n" +
        "  oom           allocate 1 MiB arrays until the kernel heap is exhausted";

    public override void Execute(Shell shell, Arguments args)
    {
        if (args.Count == 0) { Shell.UsageError(this, "say which exception"); return; }
        switch (args[0])
        {
            case "message":
                if (args.Count < 2) { Shell.UsageError(this, "message needs TEXT"); return; }
                throw new InvalidOperationException(args[1]);
            case "null": Console.WriteLine(ReadThrough(null)); return;
            case "divide": Console.WriteLine(Divide(1, args.Count)); return;
            case "oom":
                var hoard = new List<byte[]>();
                while (true) hoard.Add(new byte[1024 * 1024]);
            default: Shell.UsageError(this, $"unknown kind '{Shell.Printable(args[0])}'"); return;
        }
    }

    private sealed class Box { public int Value = 1; }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int ReadThrough(Box? box) => box!.Value;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Divide(int a, int argumentCount) => a / (argumentCount - 1);
}
