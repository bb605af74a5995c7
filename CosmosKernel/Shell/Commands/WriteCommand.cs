using System;
using MemOS.Kernel.MemoryManagement;
using MemOS.Kernel.Processes;
using MemOS.Memory;
using MemOS.Memory.Tracing;
using MemOS.Memory.Paging;
using MemOS.Memory.Virtual;

namespace MemOS.Kernel.Shell.Commands;

/// <summary>
/// write: one real write through SafeAccess, a byte or (for a 0x value above 255) an aligned u64. The fault
/// handler resolves or refuses it. Writable kernel memory the shell does not own (the kernel's own data) is left
/// alone. With --pid N the write goes into that process's user half, through the same checked user copy system calls
/// use (its address space loaded for the one access).
/// </summary>
internal sealed unsafe class WriteCommand : Command
{
    public override string Name => "write";
    public override string Usage => "write ADDR VALUE [--pid N]";
    public override string Description
        => "write a byte (0..255) or, for a 0x value > 255, a u64 (8-aligned) for real";
    public override string Details =>
        "  where: user space, blocks from `alloc`, scratch pages `map` backed with its own frame; elsewhere only\n" +
        "  where the write will be refused (unmapped, read-only) - the kernel's own data is not for typing into.\n" +
        "  examples:\n" +
        "    write 0xffffc00000001230 65                   wrote 0x41 (1 byte) at 0xffffc00000001230\n" +
        "    write 0xffffc00000001238 0x1122334455667788   wrote 0x1122334455667788 (8 bytes) at " +
        "0xffffc00000001238\n" +
        "    write 0xffffffff80101000 1                    write: 0xffffffff80101000: refused: write to read-only " +
        "(no region)\n" +
        "    write 0x10000018 0x4000 --pid 3               into pid 3's address space (its user half only)";

    public override void Execute(Shell shell, Arguments args)
    {
        if (!args.TakeOption("--pid", out string? pidText))
        {
            Shell.UsageError(this, "--pid needs a process id");
            return;
        }
        if (!MemoryArguments.CheckCount(this, args, 2, 2)) return;
        if (!MemoryArguments.TryCanonical(this, args[0], out ulong address)) return;
        bool hex = args[1].StartsWith("0x", StringComparison.OrdinalIgnoreCase);
        if (!Arguments.TryParseNumber(args[1], out ulong value) || (value > 255 && !hex))
        {
            Shell.UsageError(this, $"VALUE must be 0..255, or a 0x value for a u64, not '{Shell.Printable(args[1])}'");
            return;
        }
        bool wide = value > 255;
        ulong width = wide ? 8UL : 1UL;
        if (wide && (address & 7) != 0)
        {
            Console.WriteLine($"write: {Format.Hex(address)}: a u64 write needs an 8-aligned address");
            return;
        }
        KernelMemory? m = shell.Session.RequireMemory(this);
        if (m == null) return;
        if (pidText != null)
        {
            InProcess(shell, m, pidText, address, value, wide);
            return;
        }
        if (!MayWrite(shell.Session, address, width))
        {
            Console.WriteLine($"write: {Format.Hex(address)}: not writable from the shell "
                + "(kernel memory not from alloc or map)");
            return;
        }

        var window = AccessWindow.Open(m);
        bool ok = wide ? SafeAccess.TryWrite64(address, value) : SafeAccess.TryWrite8(address, (byte)value);
        window = window.Close(m);
        string outcome = AccessOutcome.Describe(m, window, "");
        if (!ok) Console.WriteLine($"write: {Format.Hex(address)}: {outcome}");
        else Console.WriteLine($"wrote {Format.Hex(value)} ({(wide ? "8 bytes" : "1 byte")}) at {Format.Hex(address)}"
            + (outcome.Length > 0 ? $" after a {outcome}" : ""));
        if (shell.Session.Tracing) TraceCommand.Narrate(m.Faults, window);
    }

    // One write into a process's user half: its page tables loaded, the checked copy (a fault it cannot resolve
    // ends the copy, never the kernel), then the shell's own tables back.
    private void InProcess(Shell shell, KernelMemory m, string pidText, ulong address, ulong value, bool wide)
    {
        Process? p = ProcessArgument.Find(this, pidText);
        if (p == null) return;
        ulong width = wide ? 8UL : 1UL;
        if (!UserMemory.IsUserRange(address, width))
        {
            Console.WriteLine($"write: {Format.Hex(address)}: not in the user half (--pid writes only the process's "
                + "own memory)");
            return;
        }
        byte b = (byte)value;
        var window = AccessWindow.Open(m);
        bool ok;
        using (ProcessSpaceScope.Enter(p))
            ok = wide ? UserMemory.Write64(address, value) : UserMemory.CopyOut(address, &b, 1);
        window = window.Close(m);
        string outcome = AccessOutcome.Describe(m, window, "");
        if (!ok) Console.WriteLine($"write: {Format.Hex(address)} in pid {p.Pid}: {outcome}");
        else
            Console.WriteLine($"wrote {Format.Hex(value)} ({(wide ? "8 bytes" : "1 byte")}) at {Format.Hex(address)} "
                + $"in pid {p.Pid} ({p.Name})" + (outcome.Length > 0 ? $" after a {outcome}" : ""));
        if (shell.Session.Tracing) TraceCommand.Narrate(m.Faults, window);
    }

    /// <summary>
    /// User space, the shell's own blocks and scratch frames: yes. Other kernel addresses: only where the CPU will
    /// refuse the write (not present with no region, or read-only), so the refusal can be seen without harm.
    /// </summary>
    private static bool MayWrite(ShellSession session, ulong address, ulong width)
    {
        if (KernelLayout.IsUser(address)) return true;
        if (session.KernelBlocks.Contains(address, width)) return true;
        ulong page = address & ~0xFFFUL;
        if (KernelLayout.InScratch(address) && session.Scratch.OwnsFrame(page)) return true;
        AddressSpace space = session.Space;
        PageLookup lookup = space.PageTable.Lookup(new VirtualAddress(address));
        if (lookup.IsMapped) return (lookup.Flags & PageFlags.Writable) == 0;
        return space.FindRegion(new VirtualAddress(address)) == null;
    }
}
