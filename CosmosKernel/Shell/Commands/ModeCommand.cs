using System;
using MemOS.Memory;
using MemOS.Memory.Virtual;

namespace MemOS.Kernel.Shell.Commands;

/// <summary>
/// mode: the immediate/demand switch of the Osdev-Notes chapter "Memory Allocation": how new regions and heap
/// growth get their pages.
/// </summary>
internal sealed class ModeCommand : Command
{
    public override string Name => "mode";
    public override string Usage => "mode [immediate|demand]";
    public override string Description
        => "show or set the backing of new regions and heap growth (immediate or demand)";
    public override string Details =>
        "immediate: frames are allocated and mapped when a region is created or grown.\n" +
        "demand:    nothing until the first touch: a read maps the shared zero page, a write a private zeroed " +
        "frame.\n" +
        "Pages already mapped stay as they are; only new regions and growth follow the new mode.\n" +
        "Processes started afterwards get it for their heaps (MEMOS_BACKING); a running one keeps its own.\n" +
        "examples: mode   mode demand   mode immediate";

    public override void Execute(Shell shell, Arguments args)
    {
        if (args.Count > 1) { Shell.UsageError(this, "takes at most one word"); return; }
        RegionBacking backing;
        if (args.Count == 0) backing = default;
        else if (Is(args[0], "immediate")) backing = RegionBacking.Immediate;
        else if (Is(args[0], "demand")) backing = RegionBacking.Demand;
        else { Shell.UsageError(this, $"unknown mode '{Shell.Printable(args[0])}'"); return; }

        if (shell.Session.RequireMemory(this) == null) return;
        AddressSpace space = shell.Session.Space;
        if (args.Count == 0) { Console.WriteLine($"backing: {MemoryView.Backing(space)}"); return; }
        MemoryError e = space.SetDefaultBacking(backing);
        if (e != MemoryError.None)
        {
            Console.WriteLine($"mode: could not set {backing.Describe()} ({e.Name()})");
            return;
        }
        Console.WriteLine($"backing: {MemoryView.Backing(space)} (new regions and heap growth)");
        if (HeapServer.Resident is { } heapd)
            Console.WriteLine($"mode: {heapd.Name} (pid {heapd.Pid}) keeps the backing it started with; "
                + $"`kill {heapd.Pid}` and the next --user request starts one with this");
    }

    private static bool Is(string word, string mode) => string.Equals(word, mode, StringComparison.OrdinalIgnoreCase);
}
