using System;
using MemOS.Kernel.Boot;

namespace MemOS.Kernel.Shell.Commands;

/// <summary>
/// memmap: the bootloader's memory map as a table with type names and totals, and any problems with it; then the
/// map the PMM was built from.
/// </summary>
internal sealed class MemMapCommand(BootInfo boot) : Command
{
    public override string Name => "memmap";
    public override string Usage => "memmap";
    public override string Description => "the bootloader's memory map, with type names and totals";
    public override string Details =>
        "  First the map exactly as the bootloader gave it, with any problem the parser found; then the map the PMM " +
        "was\n" +
        "  built from: sanitised (overlaps resolved, usable ranges trimmed to whole frames) with the kernel's own\n" +
        "  reservations (first MiB, kernel image, boot tables, modules), one diagnostic per problem, and bring-up " +
        "notes.";

    public static string TypeName(uint type) => type switch
    {
        1 => "usable",
        2 => "reserved",
        3 => "ACPI reclaimable",
        4 => "ACPI NVS",
        5 => "bad memory",
        _ => $"reserved (type {type})",
    };

    public override void Execute(Shell shell, Arguments args)
    {
        if (RefuseArguments(args)) return;
        string loader = boot.BootloaderName.Length > 0 ? boot.BootloaderName : "bootloader unnamed";
        Console.WriteLine($"memory map from {boot.Protocol} ({loader}):");
        Console.WriteLine("  start               end (exclusive)     size        type");
        ulong usable = 0, other = 0;
        foreach (BootMemoryEntry e in boot.MemoryMap)
        {
            ulong end = e.Base + e.Length < e.Base ? ulong.MaxValue : e.Base + e.Length;
            Console.WriteLine(Row(e.Base, end, e.Length, TypeName(e.Type)));
            if (e.Type == 1) usable += e.Length; else other += e.Length;
        }
        Console.WriteLine(
            $"  {boot.MemoryMap.Count} entries: usable {Format.Size(usable)}, other {Format.Size(other)}");
        foreach (string problem in boot.Problems) Console.WriteLine($"  problem: {problem}");
        if (shell.Session.Memory is not { } m) return;
        // what the PMM was built from: the map sanitised, with the kernel's own reservations
        Console.WriteLine($"sanitised for the PMM ({m.Map.Diagnostics.Count} diagnostic(s)):");
        foreach (var range in m.Map.Ranges)
            Console.WriteLine(Row(range.Base.Value, range.End, range.Length, range.Name));
        foreach (var diagnostic in m.Map.Diagnostics) Console.WriteLine($"  diagnostic: {diagnostic}");
        foreach (string note in m.Notes) Console.WriteLine($"  note: {note}");
    }

    private static string Row(ulong start, ulong end, ulong length, string type)
        => $"  {Format.Pad(Format.Hex(start), 19)} {Format.Pad(Format.Hex(end), 19)} "
            + $"{Format.PadLeft(Format.Size(length), 10)}  {type}";
}
