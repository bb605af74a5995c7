using System;
using MemOS.Kernel.MemoryManagement;
using MemOS.Memory;
using MemOS.Memory.Paging;

namespace MemOS.Kernel.Shell.Commands;

/// <summary>
/// unmap: removes a page `map` made in the scratch window, invalidates its TLB entry, and frees the frame if `map`
/// took it from the PMM.
/// </summary>
internal sealed class UnmapCommand : Command
{
    public override string Name => "unmap";
    public override string Usage => "unmap VA";
    public override string Description
        => "remove a page mapped by hand in the scratch window (its frame goes back if map allocated it)";
    public override string Details =>
        "  examples:\n" +
        $"    unmap {Format.Hex(KernelLayout.ScratchBase)}     unmapped {Format.Hex(KernelLayout.ScratchBase)} " +
        $"(was 0x..., frame back to the PMM); TLB: invlpg {Format.Hex(KernelLayout.ScratchBase)}";

    public override void Execute(Shell shell, Arguments args)
    {
        if (!MemoryArguments.CheckCount(this, args, 1, 1)) return;
        if (!MemoryArguments.TryCanonical(this, args[0], out ulong va)) return;
        if (!KernelLayout.InScratch(va))
        {
            Console.WriteLine($"unmap: {Format.Hex(va)}: outside the scratch window {ScratchWindow.Text}: "
                + "manual mappings go only there");
            return;
        }
        if ((va & 0xFFF) != 0) { Console.WriteLine($"unmap: {Format.Hex(va)}: not page-aligned"); return; }
        KernelMemory? m = shell.Session.RequireMemory(this);
        if (m == null) return;
        var page = new VirtualAddress(va);
        PageTable table = shell.Session.Space.PageTable;
        if (!table.Lookup(page).IsMapped) { Console.WriteLine($"unmap: {Format.Hex(va)}: not mapped"); return; }
        TlbText tlbBefore = TlbText.Before(m.Tlb);
        PageTableChange change = table.Unmap(page);
        if (!change.Ok) { Console.WriteLine($"unmap: {Format.Hex(va)}: {change.Error.Name()}"); return; }
        string frame = $"was {Format.Hex(change.Frame.Value)}";
        if (shell.Session.Scratch.TryRemove(va, out PhysicalAddress owned))
        {
            MemoryError e = m.Pmm.FreeFrame(owned);
            frame += e == MemoryError.None ? ", frame back to the PMM" : $", freeing the frame failed ({e.Name()})";
        }
        else frame += ", borrowed frame not freed";
        string tlb = tlbBefore.Executed(m.Tlb, "nothing to invalidate");
        Console.WriteLine($"unmapped {Format.Hex(va)} ({frame}); TLB: {tlb}");
    }
}
