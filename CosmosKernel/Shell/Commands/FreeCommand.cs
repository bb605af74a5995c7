using System;
using MemOS.Kernel.MemoryManagement;
using MemOS.Kernel.Processes;
using MemOS.Memory;
using MemOS.Memory.Tracing;
using MemOS.Memory.Heap;
using MemOS.Memory.Virtual;

namespace MemOS.Kernel.Shell.Commands;

/// <summary>
/// free: kfree of a block from `alloc`. Bad and repeated pointers are reported by the heap with nothing changed; a
/// live kernel-heap block the shell did not hand out (a managed object) is refused. With --user (or --pid N) the
/// process that made the block frees it with its own heap code, and gives the same verdicts.
/// </summary>
internal sealed class FreeCommand : Command
{
    public override string Name => "free";
    public override string[] Aliases => ["kfree"];
    public override string Usage => "free ADDR [--user [--pid N]]";
    public override string Description
        => "give back a block from alloc (kernel heap, or a process's heap with --user / --pid N)";
    public override string Details =>
        "  examples:\n" +
        "    free 0xffffc00000001230          freed 0xffffc00000001230 (64 B)\n" +
        "    free 0xffffc00000001230          free: 0xffffc00000001230: not an allocated block (DoubleFree)\n" +
        "    free 0x10000010 --user           freed by the resident heapd, in its own address space\n" +
        "    free 0x10000010 --pid 5          freed by pid 5\n" +
        "  only blocks from `alloc` can be freed: the others hold the kernel's (or the process's) own objects";

    public override void Execute(Shell shell, Arguments args)
    {
        bool user = args.TakeFlag("--user");
        if (!args.TakeOption("--pid", out string? pidText))
        {
            Shell.UsageError(this, "--pid needs a process id");
            return;
        }
        if (!MemoryArguments.CheckCount(this, args, 1, 1)) return;
        if (!MemoryArguments.TryCanonical(this, args[0], out ulong address)) return;
        KernelMemory? m = shell.Session.RequireMemory(this);
        if (m == null) return;
        if (user || pidText != null)
        {
            InProcess(shell, m, pidText, address);
            return;
        }
        HeapCore<HeapMemory> heap = m.Heap;
        var va = new VirtualAddress(address);

        LiveBlocks blocks = shell.Session.KernelBlocks;
        bool ours = blocks.IsLive(address);
        if (!ours && blocks.WasFreed(address))
        {
            Console.WriteLine($"free: {Format.Hex(address)}: not an allocated block (DoubleFree)");
            return;
        }
        Result<ulong> size = heap.SizeOf(va);
        if (!ours && size.Ok)
        {
            Console.WriteLine($"free: {Format.Hex(address)}: not an allocated block "
                + "(in use by the kernel, not from alloc)");
            return;
        }

        var window = AccessWindow.Open(m);
        // A block that is not live: Free names the reason (DoubleFree, BadPointer, Misaligned) and changes nothing.
        MemoryError error = heap.Free(va);
        window = window.Close(m);
        if (error == MemoryError.HeapCorrupted)
        {
            Console.WriteLine($"free: {Format.Hex(address)}: {MemoryView.Corrupted(heap, false)}; nothing changed "
                + $"({error.Name()})");
            return;
        }
        if (error != MemoryError.None)
        {
            Console.WriteLine($"free: {Format.Hex(address)}: not an allocated block ({error.Name()})");
            return;
        }
        blocks.Freed(address);
        Console.WriteLine(size.Ok
            ? $"freed {Format.Hex(address)} ({size.Value} B)"
            : $"freed {Format.Hex(address)} (size unknown)");
        if (shell.Session.Tracing) TraceCommand.Narrate(m.Faults, window);
    }

    // free in a process: its heap code checks the pointer and frees; the kernel only carries the request.
    private void InProcess(Shell shell, KernelMemory m, string? pidText, ulong address)
    {
        Process? p = HeapServer.Target(this, pidText, out string? started, start: false);
        if (p == null) return;
        ulong resident0 = p.ResidentPages;
        ulong eventsBefore = m.Faults.EventCount;
        ServiceRequest? r = HeapServer.Send(this, p, ServiceOp.Free, address);
        if (r != null)
        {
            ulong resident1 = p.ResidentPages;
            string back = resident1 < resident0 ? $", {resident0 - resident1} page(s) given back" : "";
            if (r.Status != 0) Console.WriteLine($"free: {Format.Hex(address)}: {r.Text}");
            else Console.WriteLine($"freed {Format.Hex(address)} ({r.Value} B) in pid {p.Pid} ({p.Name}){back}");
        }
        if (started != null) Console.WriteLine(started);
        // the process's own events (its mmap, its faults, the frames they took), each prefixed with its pid
        if (shell.Session.Tracing) TraceCommand.NarrateProcess(m.Faults, p.Pid, eventsBefore);
    }
}
