using System;
using MemOS.Kernel.MemoryManagement;
using MemOS.Kernel.Processes;
using MemOS.Memory;
using MemOS.Memory.Heap;
using MemOS.Memory.Tracing;
using MemOS.Memory.Virtual;

namespace MemOS.Kernel.Shell.Commands;

/// <summary>
/// alloc: kmalloc of SIZE bytes, then what it cost: the pages that became resident in the heap's region and the page
/// faults taken on the way (in demand mode the heap's own header write faults them in). With --user (or --pid N) the
/// allocation is made by a process's own heap code in ring 3 (the resident heapd, or pid N): the kernel carries the
/// request and the answer, and measures the cost on the process's address space.
/// </summary>
internal sealed class AllocCommand : Command
{
    private const ulong MaxSize = 1UL << 30, MinAlign = 8, MaxAlign = 1UL << 20;

    public override string Name => "alloc";
    public override string[] Aliases => ["kmalloc"];
    public override string Usage => "alloc SIZE [--user [--pid N]] [--align N]";
    public override string Description
        => "allocate from the kernel heap (or a process's heap) and show the pages and faults it took";
    public override string Details =>
        "  SIZE 1 B..1 GiB, with an optional K, M or G suffix; --align N: a power of two 8 B..1 MiB (default 16)\n" +
        "  examples:\n" +
        "    alloc 64            allocated 64 B at 0xffffc00000001230 in the kernel heap: 0 new page(s) mapped, " +
        "0 page fault(s)\n" +
        "    alloc 1M --user     malloc in the resident process heapd (started on first use), by its own heap\n" +
        "                        code in ring 3: its heap starts at 0x10000000 in its own address space\n" +
        "    alloc 64 --pid 5    malloc in pid 5 (a program that serves heap requests, see docs/processes.md)\n" +
        "    alloc 100 --align 4K\n" +
        "  `free ADDR` gives it back; `trace on` narrates each step";

    public override void Execute(Shell shell, Arguments args)
    {
        bool user = args.TakeFlag("--user");
        if (!args.TakeOption("--align", out string? alignText))
        {
            Shell.UsageError(this, "--align needs a value");
            return;
        }
        if (!args.TakeOption("--pid", out string? pidText))
        {
            Shell.UsageError(this, "--pid needs a process id");
            return;
        }
        if (!MemoryArguments.CheckCount(this, args, 1, 1)) return;
        if (!Arguments.TryParseSize(args[0], out ulong size) || size == 0 || size > MaxSize)
        {
            Shell.UsageError(this, $"SIZE must be 1 B..1 GiB, not '{Shell.Printable(args[0])}'");
            return;
        }
        ulong align = 16;
        if (alignText != null && (!Arguments.TryParseSize(alignText, out align)
            || align < MinAlign || align > MaxAlign || (align & (align - 1)) != 0))
        {
            Shell.UsageError(this, $"--align must be a power of two 8..1M, not '{Shell.Printable(alignText)}'");
            return;
        }
        KernelMemory? m = shell.Session.RequireMemory(this);
        if (m == null) return;
        if (user || pidText != null)
        {
            InProcess(shell, m, pidText, size, align);
            return;
        }
        HeapCore<HeapMemory> heap = m.Heap;
        Region region = m.HeapRegion;

        // Before and after with nothing else in between: a managed `new` here would land in the kernel heap too.
        ulong resident0 = region.ResidentPages;
        var window = AccessWindow.Open(m);
        // A kernel block typed at the shell is the user's request: it may not dip into the kernel's frame reserve.
        bool reserve = (size + align) / VirtualAddress.PageSize + 2 > m.Pmm.FramesAboveReserve;
        Result<VirtualAddress> r = reserve ? Result<VirtualAddress>.Fail(MemoryError.OutOfMemory)
            : heap.Allocate(size, align);
        window = window.Close(m);
        ulong resident1 = region.ResidentPages;

        ulong pages = resident1 > resident0 ? resident1 - resident0 : 0;
        if (!r.Ok && r.Error == MemoryError.HeapCorrupted)
            Console.WriteLine($"alloc: {MemoryView.Corrupted(heap, false)}; nothing was allocated ({r.Error.Name()})");
        else if (!r.Ok) Console.WriteLine($"alloc: out of memory (could not allocate {size} B)");
        else
        {
            Console.WriteLine($"allocated {size} B at {Format.Hex(r.Value.Value)} in the kernel "
                + $"heap: {pages} new page(s) mapped, {window.Faults} page fault(s)");
            shell.Session.KernelBlocks.Allocated(r.Value.Value, size);
        }
        if (shell.Session.Tracing) TraceCommand.Narrate(m.Faults, window);
    }

    // malloc in a process: its heap code allocates; the cost is what its address space and fault counts show.
    private void InProcess(Shell shell, KernelMemory m, string? pidText, ulong size, ulong align)
    {
        Process? p = HeapServer.Target(this, pidText, out string? started);
        if (p == null) return;
        ulong resident0 = p.ResidentPages, faults0 = p.PageFaults;
        ulong eventsBefore = m.Faults.EventCount;
        ServiceRequest? r = HeapServer.Send(this, p, ServiceOp.Allocate, size, align);
        if (r != null)
        {
            ulong resident1 = p.ResidentPages, faults = p.PageFaults - faults0;
            ulong pages = resident1 > resident0 ? resident1 - resident0 : 0;
            if (r.Status != 0) Console.WriteLine($"alloc: pid {p.Pid} ({p.Name}): {r.Text}");
            else
                Console.WriteLine($"allocated {size} B at {Format.Hex(r.Value)} in the user heap of pid {p.Pid} "
                    + $"({p.Name}): {pages} new page(s) mapped, {faults} page fault(s)");
        }
        if (started != null) Console.WriteLine(started);
        // the process's own events (its mmap, its faults, the frames they took), each prefixed with its pid
        if (shell.Session.Tracing) TraceCommand.NarrateProcess(m.Faults, p.Pid, eventsBefore);
    }
}
