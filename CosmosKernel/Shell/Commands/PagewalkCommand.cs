using System;
using MemOS.Memory;
using MemOS.Memory.Paging;
using MemOS.Memory.Virtual;

namespace MemOS.Kernel.Shell.Commands;

/// <summary>
/// pagewalk: the MMU's walk of one address, level by level (PML4, PDPT, PD, PT), and where and why it ended.
/// </summary>
internal sealed class PagewalkCommand : Command
{
    public override string Name => "pagewalk";
    public override string Usage => "pagewalk ADDR [PID]";
    public override string Description
        => "walk the page tables for a virtual address: every level's index, entry and flags, and the translation";
    public override string Details =>
        "Each level shows the index taken from the address, the table's physical address, the raw 64-bit entry and\n" +
        "its flags (P present, W writable, U user, A accessed, D dirty, PS huge page, G global, NX no-execute).\n" +
        "The walk ends with the physical address, or the level where it stopped and why.\n" +
        "With a PID the walk starts at that process's PML4 (its user half is its own, its kernel half shared).\n" +
        "examples: pagewalk 0xffffffff80100000   pagewalk 0xffffc00000000000   pagewalk 0x0   pagewalk 0x400000 1";

    public override void Execute(Shell shell, Arguments args)
    {
        if (args.Count != 1 && args.Count != 2)
        {
            Shell.UsageError(this, args.Count == 0 ? "needs an address" : "takes an address and an optional pid");
            return;
        }
        if (!Arguments.TryParseAddress(args[0], out ulong address))
        {
            Shell.UsageError(this, $"not an address: '{Shell.Printable(args[0])}'");
            return;
        }
        var va = new VirtualAddress(address);
        if (!va.IsCanonical)
        {
            Console.WriteLine(
                $"pagewalk: {Format.Hex(address)}: non-canonical address (bits 63..47 must all equal bit 47)");
            return;
        }
        if (shell.Session.RequireMemory(this) == null) return;
        AddressSpace space = shell.Session.Space;
        if (args.Count == 2)
        {
            Processes.Process? p = ProcessArgument.Find(this, args[1]);
            if (p == null) return;
            space = p.Space;
        }

        PageWalk walk = space.PageTable.Walk(va);
        Region? region = space.FindRegion(va);
        Console.WriteLine($"pagewalk {Format.Hex(address)} from CR3 {Format.Hex(space.PageTable.Root.Value)} "
            + $"({(region == null ? "no region" : "region " + region.Name)})");
        bool writable = true, user = true, noExecute = false;
        foreach (PageWalkStep s in walk.Steps)
        {
            Console.WriteLine($"  {Format.Pad(s.Level.Name(), 4)} index {Format.PadLeft(s.Index.ToString(), 3)}  "
                + $"table {Format.Pad(Format.Hex(s.Table.Value), 12)} entry 0x{s.RawEntry:x16}  "
                + PageFlagsText.Describe(s.Flags));
            writable &= (s.Flags & PageFlags.Writable) != 0;
            user &= (s.Flags & PageFlags.User) != 0;
            noExecute |= (s.Flags & PageFlags.NoExecute) != 0;
        }
        string level = walk.StopLevel.Name();
        switch (walk.Stop)
        {
            case PageWalkStop.Translated:
            case PageWalkStop.HugePage:
                string size = walk.Stop == PageWalkStop.Translated ? "4 KiB"
                    : walk.StopLevel == PageTableLevel.PD ? "2 MiB" : "1 GiB";
                Console.WriteLine($"  translated: {Format.Hex(address)} -> {Format.Hex(walk.Physical.Value)} "
                    + $"({size} page; effective {(writable ? "writable" : "read-only")}, "
                    + $"{(user ? "user" : "supervisor")}, {(noExecute ? "no-execute" : "executable")})");
                break;
            case PageWalkStop.NotPresent:
                string then = region != null
                    ? $" and the handler consults region {region.Name} "
                        + $"({region.BackingAt(new VirtualAddress(address)).Describe()})"
                    : " and, with no region, is a violation";
                Console.WriteLine($"  stopped at {level}: not present (P=0): an access faults{then}");
                break;
            case PageWalkStop.ReservedBits:
                Console.WriteLine(
                    $"  stopped at {level}: reserved bits set (0x{walk.ReservedBits:x}): an access faults with RSVD");
                break;
            default:
                Console.WriteLine($"  stopped at {level}: non-canonical address");
                break;
        }
    }
}
