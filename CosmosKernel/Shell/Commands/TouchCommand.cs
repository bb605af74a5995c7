using System;
using System.Collections.Generic;
using MemOS.Kernel.Hardware;
using MemOS.Kernel.MemoryManagement;
using MemOS.Memory;
using MemOS.Memory.Tracing;
using MemOS.Memory.Faults;
using MemOS.Memory.Paging;
using MemOS.Memory.Physical;
using MemOS.Memory.Virtual;

namespace MemOS.Kernel.Shell.Commands;

/// <summary>How touch reaches an address.</summary>
internal enum TouchAccess
{
    Read,
    Write,
    Execute,
}

/// <summary>
/// touch: one real access to an address through SafeAccess, then what the page-fault handler made of it: no fault,
/// a fault resolved (demand, zero page, copy-on-write) with the frame it mapped, or a refusal with the reason and
/// region. A refused access returns through the access's fixup: the kernel carries on.
/// </summary>
internal sealed class TouchCommand : Command
{
    private const ulong InterruptFlag = 1UL << 9;

    public override string Name => "touch";
    public override string Usage => "touch ADDR [r|w|x] [--pid N]";
    public override string Description
        => "access an address for real (read, write or execute) and show the page fault it took";
    public override string Details =>
        "  r (default) reads one byte; w reads it and writes the same value back (an absent page gets 0, what a " +
        "fresh\n" +
        "  page holds anyway), so nothing changes; x on a present executable page of RAM puts a ret at ADDR\n" +
        "  (through the direct map), calls it and puts the byte back; on an absent or NX page the fetch faults.\n" +
        "  examples:\n" +
        "    touch 0x0                    touch 0x0 read: refused: no region (no region)\n" +
        "    touch 0xffffffff80101000 w   touch 0xffffffff80101000 write: refused: write to read-only " +
        "(no region)\n" +
        "    alloc 64K; touch ADDR w      touch 0x... write: page fault (write, not present, kernel) -> " +
        "private zeroed frame mapped, frame 0x... mapped at 0x...\n" +
        "    touch 0x10002000 --pid 3     in pid 3's address space (its user half only; x needs SMEP)\n" +
        "  non-canonical addresses are refused before the access: the CPU would raise #GP, not a page fault";

    public override void Execute(Shell shell, Arguments args)
    {
        if (!args.TakeOption("--pid", out string? pidText))
        {
            Shell.UsageError(this, "--pid needs a process id");
            return;
        }
        if (!MemoryArguments.CheckCount(this, args, 1, 2)) return;
        if (!MemoryArguments.TryCanonical(this, args[0], out ulong address)) return;
        TouchAccess access = TouchAccess.Read;
        if (args.Count == 2 && !TryAccess(args[1], out access))
        {
            Shell.UsageError(this, $"access must be r, w or x, not '{Shell.Printable(args[1])}'");
            return;
        }
        KernelMemory? m = shell.Session.RequireMemory(this);
        if (m == null) return;
        AccessWindow window;
        if (pidText != null)
        {
            Processes.Process? p = ProcessArgument.Find(this, pidText);
            if (p == null) return;
            if (!KernelLayout.IsUser(address))
            {
                Console.WriteLine("touch: --pid reaches only the process's user half");
                return;
            }
            // x from ring 0 into a user page is SMEP's to refuse; without SMEP it would run the process's code
            if (access == TouchAccess.Execute && !KernelProtection.Smep)
            {
                Console.WriteLine(
                    "touch: x with --pid needs SMEP (without it the kernel would run the process's code)");
                return;
            }
            string line;
            using (ProcessSpaceScope.Enter(p)) line = Touch(m, p.Space, address, access, out window);
            Console.WriteLine(line + $" (pid {p.Pid})");
        }
        else Console.WriteLine(Touch(m, shell.Session.Space, address, access, out window));
        if (shell.Session.Tracing) TraceCommand.Narrate(m.Faults, window);
    }

    public static bool TryAccess(string word, out TouchAccess access)
    {
        switch (word.ToLowerInvariant())
        {
            case "r": case "read": access = TouchAccess.Read; return true;
            case "w": case "write": access = TouchAccess.Write; return true;
            case "x": case "exec": case "execute": access = TouchAccess.Execute; return true;
            default: access = TouchAccess.Read; return false;
        }
    }

    public static string Word(TouchAccess access) => access switch
    {
        TouchAccess.Write => "write",
        TouchAccess.Execute => "execute",
        _ => "read",
    };

    /// <summary>
    /// Does the access (address must be canonical) in the address space that is live, and returns the one result
    /// line of the output contract.
    /// </summary>
    public static string Touch(
        KernelMemory m, AddressSpace space, ulong address, TouchAccess access, out AccessWindow window)
    {
        PageLookup lookup = space.PageTable.Lookup(new VirtualAddress(address));
        string noFault = "no fault (present)";
        window = AccessWindow.Open(m);
        switch (access)
        {
            case TouchAccess.Read:
                SafeAccess.TryRead8(address, out _);
                break;
            case TouchAccess.Write:
                // No interrupt between the read and the write back, so the value written is the one there.
                bool interrupts = (Cpu.ReadFlags() & InterruptFlag) != 0;
                if (interrupts) Cpu.DisableInterrupts();
                // An absent page would read as zero once mapped: write 0 straight away, so the one fault is the
                // write's.
                if (!lookup.IsMapped) SafeAccess.TryWrite8(address, 0);
                else if (SafeAccess.TryRead8(address, out byte value)) SafeAccess.TryWrite8(address, value);
                if (interrupts) Cpu.EnableInterrupts();
                break;
            case TouchAccess.Execute:
                bool user = (lookup.Flags & PageFlags.User) != 0;
                bool executable = lookup.IsMapped && (lookup.Flags & PageFlags.NoExecute) == 0
                    && !(user && KernelProtection.Smep);
                if (!executable) SafeAccess.TryExecuteFaulting(address);
                else noFault = ExecuteRet(m, space, lookup, address);
                break;
        }
        window = window.Close(m);
        return $"touch {Format.Hex(address)} {Word(access)}: " + AccessOutcome.Describe(m, window, noFault);
    }

    // A present, executable page: a ret is put at the address through the direct map, called and the byte put
    // back, so the line reports an execution that happened. Only RAM the PMM knows (or the kernel image) gets one:
    // a device's memory (e.g. `map VA 0xb8000 rx`) is not code.
    private static string ExecuteRet(KernelMemory m, AddressSpace space, PageLookup lookup, ulong address)
    {
        const string notRun = "no fault (present, executable); not executed: ";
        PhysicalAddress frame = lookup.Translate(new VirtualAddress(address));
        FrameUsage usage = m.Pmm.UsageOf(frame);
        if (usage is FrameUsage.Absent or FrameUsage.Reserved)
            return notRun + $"frame {Format.Hex(frame.Value & ~0xFFFUL)} is not RAM the PMM manages";
        ulong alias = KernelLayout.DirectMap(frame).Value;
        PageLookup aliasLookup = space.PageTable.Lookup(new VirtualAddress(alias));
        if (!aliasLookup.IsMapped || (aliasLookup.Flags & PageFlags.Writable) == 0)
            return notRun + "its frame has no writable direct-map alias";
        bool returned = SafeAccess.TryExecuteRet(address, alias, out bool ran);
        if (!ran) return notRun + "the address is inside the probe's own code";
        // a fetch that faulted after all is described from the fault log, not from this line
        return returned ? "no fault (present, executable): a ret placed there ran and returned" : "faulted";
    }
}
