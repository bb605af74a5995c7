using System;
using MemOS.Kernel.MemoryManagement;
using MemOS.Memory;
using MemOS.Memory.Paging;
using MemOS.Memory.Physical;

namespace MemOS.Kernel.Shell.Commands;

/// <summary>
/// map: a page-table entry made by hand, only inside the scratch window so nothing the kernel relies on can be
/// replaced. Without PA the frame comes from the PMM (zeroed, and `unmap` gives it back); a given PA is only
/// borrowed.
/// </summary>
internal sealed class MapCommand : Command
{
    public override string Name => "map";
    public override string Usage => "map VA [PA] [r|rw|rx|rwx|...u]";
    public override string Description
        => "map one 4 KiB page by hand in the scratch window (fresh frame unless PA is given)";
    public override string Details =>
        $"  VA: page-aligned, inside the scratch window {ScratchWindow.Text}\n" +
        "  flags: r read, w write, x execute (NX unless x), u user; default rw\n" +
        "  examples:\n" +
        $"    map {Format.Hex(KernelLayout.ScratchBase)}             mapped {Format.Hex(KernelLayout.ScratchBase)} " +
        "-> 0x... (P W NX), fresh zeroed frame from the PMM; TLB: nothing to invalidate ...\n" +
        $"    map {Format.Hex(KernelLayout.ScratchBase + 0x1000)} 0xb8000 rw   the VGA text buffer, borrowed " +
        "(unmap does not free it)\n" +
        "  `unmap VA` removes it";

    public override void Execute(Shell shell, Arguments args)
    {
        if (!MemoryArguments.CheckCount(this, args, 1, 3)) return;
        if (!MemoryArguments.TryCanonical(this, args[0], out ulong va)) return;
        ulong pa = 0;
        bool fresh = true;
        string flagText = "rw";
        for (int i = 1; i < args.Count; i++)
        {
            if (i == 1 && Arguments.TryParseAddress(args[i], out pa)) { fresh = false; continue; }
            if (i == 2 && fresh && args.Count == 3)
            {
                Shell.UsageError(this, $"'{Shell.Printable(args[1])}' is not a physical address");
                return;
            }
            flagText = args[i];
        }
        if (!TryFlags(flagText, out PageFlags flags))
        {
            Shell.UsageError(this, $"flags are letters from r, w, x, u, not '{Shell.Printable(flagText)}'");
            return;
        }
        if (!KernelLayout.InScratch(va))
        {
            Console.WriteLine($"map: {Format.Hex(va)}: outside the scratch window {ScratchWindow.Text}: "
                + "manual mappings go only there");
            return;
        }
        if ((va & 0xFFF) != 0)
        {
            Console.WriteLine($"map: {Format.Hex(va)}: not page-aligned (a page starts at a multiple of 0x1000)");
            return;
        }
        if (!fresh && (pa & 0xFFF) != 0) { Console.WriteLine($"map: {Format.Hex(pa)}: not frame-aligned"); return; }
        KernelMemory? m = shell.Session.RequireMemory(this);
        if (m == null) return;
        var page = new VirtualAddress(va);
        PageTable table = shell.Session.Space.PageTable;
        PageLookup existing = table.Lookup(page);
        if (existing.IsMapped)
        {
            Console.WriteLine($"map: {Format.Hex(va)}: already mapped (to frame {Format.Hex(existing.Frame.Value)}): "
                + "unmap it first");
            return;
        }

        if (fresh)
        {
            Result<PhysicalAddress> frame = m.Pmm.AllocateFrame(FrameUsage.Kernel);
            if (!frame.Ok) { Console.WriteLine("map: out of memory (no free frame)"); return; }
            m.Physical.Zero(frame.Value, PhysicalAddress.FrameSize);
            pa = frame.Value.Value;
        }
        TlbText tlbBefore = TlbText.Before(m.Tlb);
        PageTableChange change = table.Map(page, new PhysicalAddress(pa), flags);
        if (!change.Ok)
        {
            if (fresh) m.Pmm.FreeFrame(new PhysicalAddress(pa));
            Console.WriteLine($"map: {Format.Hex(va)} -> {Format.Hex(pa)}: {change.Error.Name()}");
            return;
        }
        if (fresh) shell.Session.Scratch.Add(va, new PhysicalAddress(pa));
        change.Invalidation.Apply(m.Tlb);
        const string notCached = "nothing to invalidate (a not-present entry is never cached)";
        string tlb = tlbBefore.Executed(m.Tlb, notCached);
        Console.WriteLine($"mapped {Format.Hex(va)} -> {Format.Hex(pa)} ({PageFlagsText.Describe(flags)}), "
            + (fresh ? "fresh zeroed frame from the PMM" : "frame given (borrowed: unmap will not free it)")
            + "; TLB: " + tlb);
    }

    /// <summary>"rw", "rx", "rwxu"...: present always (x86 cannot map a page unreadable); NX unless x.</summary>
    public static bool TryFlags(string text, out PageFlags flags)
    {
        flags = PageFlags.Present;
        bool execute = false;
        if (text.Length == 0 || text.Length > 4) return false;
        foreach (char c in text.ToLowerInvariant())
        {
            if (c == 'r') continue;
            if (c == 'w') flags |= PageFlags.Writable;
            else if (c == 'x') execute = true;
            else if (c == 'u') flags |= PageFlags.User;
            else return false;
        }
        if (!execute) flags |= PageFlags.NoExecute;
        return true;
    }
}
