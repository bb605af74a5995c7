using System;
using MemOS.Kernel.MemoryManagement;
using MemOS.Memory;
using MemOS.Memory.Virtual;

namespace MemOS.Kernel.Shell.Commands;

/// <summary>mode: the seed's immediate/demand switch: how new regions and heap growth get their pages.</summary>
internal sealed class ModeCommand : Command
{
    public override string Name => "mode";
    public override string Usage => "mode [immediate|demand]";
    public override string Description => "show or set the backing of new regions and heap growth (immediate or demand)";
    public override string Details =>
        "immediate: frames are allocated and mapped when a region is created or grown.\n" +
        "demand:    nothing until the first touch: a read maps the shared zero page, a write a private zeroed frame.\n" +
        "Pages already mapped stay as they are; only new regions and growth follow the new mode.\n" +
        "examples: mode   mode demand   mode immediate";

    public override void Execute(Shell shell, Arguments args)
    {
        if (args.Count > 1) { Shell.UsageError(this, "takes at most one word"); return; }
        RegionBacking backing;
        if (args.Count == 0) backing = default;
        else if (string.Equals(args[0], "immediate", StringComparison.OrdinalIgnoreCase)) backing = RegionBacking.Immediate;
        else if (string.Equals(args[0], "demand", StringComparison.OrdinalIgnoreCase)) backing = RegionBacking.Demand;
        else { Shell.UsageError(this, $"unknown mode '{Shell.Printable(args[0])}'"); return; }

        KernelMemory? m = MemoryView.Require(this);
        if (m == null) return;
        if (args.Count == 0) { Console.WriteLine($"backing: {MemoryView.Backing(m)}"); return; }
        MemoryError e = m.Space.SetDefaultBacking(backing);
        if (e != MemoryError.None) { Console.WriteLine($"mode: could not set {backing.Describe()} ({e.Name()})"); return; }
        Console.WriteLine($"backing: {MemoryView.Backing(m)} (new regions and heap growth)");
    }
}
