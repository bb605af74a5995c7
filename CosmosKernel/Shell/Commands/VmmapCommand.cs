using System;
using System.Collections.Generic;
using MemOS.Kernel.MemoryManagement;
using MemOS.Memory;
using MemOS.Memory.Virtual;

namespace MemOS.Kernel.Shell.Commands;

/// <summary>
/// vmmap: the current address space as /proc/PID/maps lines: its regions (with backing and resident pages), and
/// the mappings that are not regions but a user expects to see: the kernel image's sections and the direct map.
/// </summary>
internal sealed class VmmapCommand : Command
{
    public override string Name => "vmmap";
    public override string Usage => "vmmap [--draw] [PID]";
    public override string Description
        => "the address space's regions in /proc/PID/maps format, with backing and resident pages";
    public override string Details =>
        "One line per mapping, in address order: start-end perms offset dev inode  [name]  then MemOS's notes:\n" +
        "what backs the region (immediate, demand, mmio; a region grown under another `mode` lists each part with\n" +
        "its range: immediate A-B + demand B-C) and resident/total pages; the kernel image sections and the\n" +
        "direct map are fixed mappings made at boot, not regions.\n" +
        "--draw: the same as a picture on the framebuffer (a compressed axis: bars by log2 of size, resident pages\n" +
        "bright, gaps and guard gaps between), until a key is pressed; the text lines on VGA text or serial.\n" +
        "examples: vmmap   vmmap 2   vmmap --draw   vmmap --draw 2";

    public override void Execute(Shell shell, Arguments args)
    {
        bool draw = args.TakeFlag("--draw");
        string? unknown = args.UnknownOption();
        if (unknown != null) { Shell.UsageError(this, $"unknown option '{Shell.Printable(unknown)}'"); return; }
        if (args.Count > 1) { Shell.UsageError(this, "takes an optional pid"); return; }
        KernelMemory? m = shell.Session.RequireMemory(this);
        if (m == null) return;
        if (args.Count == 1)
        {
            Processes.Process? p = ProcessArgument.Find(this, args[0]);
            if (p != null && !(draw && DrawProcess(p))) ProcessMap(p);
            return;
        }
        AddressSpace space = shell.Session.Space;
        if (draw && DrawKernel(m, space)) return;

        var lines = new List<(ulong Start, string Text)>();
        ulong resident = 0, pages = 0;
        var regions = new List<Region>(space.RegionCount);
        foreach (Region r in space.Regions) regions.Add(r);
        foreach (Region r in regions)
        {
            // Read before formatting: formatting allocates, which in demand mode may grow the kernel heap's region.
            ulong end = r.End.Value, residentNow = r.ResidentPages;
            ulong total = (end - r.Base.Value) / VirtualAddress.PageSize;
            resident += residentNow;
            pages += total;
            string perms = ((r.Flags & RegionFlags.Read) != 0 ? "r" : "-") + (r.IsWritable ? "w" : "-")
                + (r.IsExecutable ? "x" : "-") + "p";
            lines.Add((r.Base.Value, Line(r.Base.Value, end, perms, r.Name,
                $"{Backing(r, end)}, {residentNow}/{total} pages resident{(r.IsUser ? ", user" : "")}")));
        }

        KernelImage image = m.Image;
        const string fixedNote = "kernel image, mapped at boot (not a region)";
        lines.Add((image.TextStart, Line(image.TextStart, image.TextEnd, "r-xp", "kernel text", fixedNote)));
        lines.Add((image.RodataStart, Line(image.RodataStart, image.RodataEnd, "r--p", "kernel rodata", fixedNote)));
        lines.Add((image.DataStart, Line(image.DataStart, image.StackGuard, "rw-p", "kernel data", fixedNote)));
        ulong stack = image.StackGuard + VirtualAddress.PageSize;
        lines.Add((image.StackGuard, Line(image.StackGuard, stack, "---p", "stack guard",
            "unmapped: a kernel stack overflow faults here")));
        lines.Add((stack, Line(stack, PageUp(image.End), "rw-p", "kernel stack and bss", fixedNote)));
        ulong direct = m.DirectMapEnd;
        lines.Add((KernelLayout.DirectMapBase, Line(KernelLayout.DirectMapBase, KernelLayout.DirectMapBase + direct,
            "rw-p", "direct map", $"all RAM in 2 MiB pages, {Format.Size(direct)} (not a region)")));

        lines.Sort((a, b) => a.Start.CompareTo(b.Start));
        foreach (var line in lines) Console.WriteLine(line.Text);
        Console.WriteLine($"{regions.Count} regions, {resident}/{pages} pages resident, "
            + $"backing {MemoryView.Backing(space)} for new regions");
    }

    /// <summary>
    /// "immediate", or, for a region whose parts have different backings (grown under another `mode`), each part:
    /// "immediate ffffc00000000000-ffffc00000040000 + demand ffffc00000040000-ffffc00000050000".
    /// </summary>
    private static string Backing(Region r, ulong end)
    {
        if (r.PartCount == 1) return r.BackingAt(r.Base).Describe();
        string text = "";
        for (int i = 0; i < r.PartCount; i++)
        {
            // Parts only grow at the end: clamped to `end`, they are the region as it was when `end` was read.
            RegionPart part = r.Part(i);
            if (part.Base.Value >= end && i > 0) break;
            ulong partEnd = part.End.Value < end ? part.End.Value : end;
            text += (i > 0 ? " + " : "") + $"{part.Backing.Describe()} {part.Base.Value:x16}-{partEnd:x16}";
        }
        return text;
    }

    private static bool DrawKernel(KernelMemory m, AddressSpace space)
    {
        List<AddressSpacePicture.Mapping> mappings = AddressSpacePicture.Regions(space);
        KernelImage image = m.Image;
        const uint fixedRgb = AddressSpacePicture.FixedRgb;
        mappings.Add(new(image.TextStart, image.TextEnd, "kernel text", "kernel image, mapped at boot", fixedRgb));
        mappings.Add(new(image.RodataStart, image.RodataEnd, "kernel rodata", "kernel image", fixedRgb));
        mappings.Add(new(image.DataStart, image.StackGuard, "kernel data", "kernel image", fixedRgb));
        mappings.Add(new(image.StackGuard + VirtualAddress.PageSize, PageUp(image.End), "kernel stack and bss",
            "kernel image", fixedRgb));
        mappings.Add(new(KernelLayout.DirectMapBase, KernelLayout.DirectMapBase + m.DirectMapEnd, "direct map",
            "all RAM in 2 MiB pages, mapped at boot", fixedRgb));
        bool drawn = MemoryPicture.ShowUntilKey("vmmap --draw", screen =>
            AddressSpacePicture.Paint(screen, "the kernel's address space", mappings, space.PageTable));
        if (!drawn) Console.WriteLine("vmmap --draw: no framebuffer on this console (VGA text or serial): the lines "
            + "instead");
        return drawn;
    }

    private static bool DrawProcess(Processes.Process p)
    {
        List<AddressSpacePicture.Mapping> mappings = AddressSpacePicture.Regions(p.Space);
        bool drawn = MemoryPicture.ShowUntilKey("vmmap --draw", screen =>
            AddressSpacePicture.Paint(screen, $"pid {p.Pid} ({p.Name}): user half", mappings, p.Space.PageTable));
        if (!drawn) Console.WriteLine("vmmap --draw: no framebuffer on this console (VGA text or serial): the lines "
            + "instead");
        return drawn;
    }

    private static ulong PageUp(ulong a) => (a + VirtualAddress.PageSize - 1) & ~(VirtualAddress.PageSize - 1);

    private static string Line(ulong start, ulong end, string perms, string name, string note)
        => $"{start:x16}-{end:x16} {perms} 00000000 00:00 0  [{name}]  {note}";

    // A process's user half (its own regions) and where its kernel stack is; the kernel half is the kernel's (vmmap).
    private static void ProcessMap(Processes.Process p)
    {
        var regions = new List<Region>(p.Space.RegionCount);
        foreach (Region r in p.Space.Regions) regions.Add(r);
        ulong resident = 0, pages = 0;
        foreach (Region r in regions)
        {
            ulong total = r.Length / VirtualAddress.PageSize;
            resident += r.ResidentPages;
            pages += total;
            string perms = (r.IsUser ? "r" : "-") + (r.IsWritable && r.IsUser ? "w" : "-")
                + (r.IsExecutable ? "x" : "-") + "p";
            string note = $"{r.DescribeBacking()}, {r.ResidentPages}/{total} pages resident";
            if (r == p.HeapRegion) note += $", break {Format.Hex(p.Break)}";
            Console.WriteLine(Line(r.Base.Value, r.End.Value, perms, r.Name, note));
        }
        ulong guard = Processes.ProcessLoader.StackBottom;
        Console.WriteLine(Line(guard - Processes.ProcessLoader.StackGuardGap, guard, "---p", "stack guard gap",
            "never mapped: a stack overflow faults here"));
        if (p.KernelStack != null)
            Console.WriteLine(Line(p.KernelStack.Base.Value, p.KernelStack.End.Value, "rw-p", "kernel stack",
                "kernel half, guard page below (TSS.RSP0 while it runs)"));
        Console.WriteLine($"pid {p.Pid} ({p.Name}): {regions.Count} regions, {resident}/{pages} pages resident, "
            + $"PML4 {Format.Hex(p.Space.PageTable.Root.Value)}");
    }
}
