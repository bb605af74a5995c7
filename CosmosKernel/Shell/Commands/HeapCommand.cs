using System;
using System.Collections.Generic;
using MemOS.Kernel.Processes;
using MemOS.Memory;
using MemOS.Memory.Heap;

namespace MemOS.Kernel.Shell.Commands;

/// <summary>
/// heap: the kernel heap: statistics, the blocks in address order, and a full invariant check. The kernel heap also
/// serves managed `new`, so listing it changes it a little. With --user (or --pid N) a process's heap, as the process
/// itself computes and checks it in ring 3: the kernel never walks a user heap's links.
/// </summary>
internal sealed class HeapCommand : Command
{
    private const ulong DefaultBlocks = 32, MaxBlocks = 4096;

    public override string Name => "heap";
    public override string Usage => "heap [blocks [N] | check] [--user [--pid N]]";
    public override string Description => "kernel or a process's heap: statistics, blocks, invariant check";
    public override string Details =>
        "heap                 used, free, overhead, size, largest free block, fragmentation, live allocations,\n" +
        "                     live small objects per size class\n" +
        $"heap blocks [N]      the first N blocks (default {DefaultBlocks}, at most {MaxBlocks}): address, size, " +
        "used/free, kind\n" +
        "heap check           re-derives every heap invariant from memory: 'heap check: ok' or 'FAILED (error)'\n" +
        "--user               the heap of the resident process heapd (started on first use), as it reports it\n" +
        "--pid N              the heap of pid N (a program that serves heap requests), as it reports it\n" +
        "examples: heap   heap --user   heap blocks 10   heap check --user   heap check --pid 5";

    public override void Execute(Shell shell, Arguments args)
    {
        bool user = args.TakeFlag("--user");
        if (!args.TakeOption("--pid", out string? pidText))
        {
            Shell.UsageError(this, "--pid needs a process id");
            return;
        }
        user |= pidText != null;
        string? unknown = args.UnknownOption();
        if (unknown != null) { Shell.UsageError(this, $"unknown option '{Shell.Printable(unknown)}'"); return; }
        string sub = args[0];
        if (args.Count == 0)
        {
            if (user) InProcess(shell, pidText, ServiceOp.Statistics, 0);
            else if (Heap(shell.Session) is { } h) Statistics(h, "kernel heap");
            return;
        }
        if (sub == "blocks") { Blocks(shell, args, user, pidText); return; }
        if (sub == "check")
        {
            if (args.Count > 1) { Shell.UsageError(this, "check takes no arguments"); return; }
            if (user) { InProcess(shell, pidText, ServiceOp.Check, 0); return; }
            if (Heap(shell.Session) is not { } h) return;
            MemoryError e = h.Check();
            Console.WriteLine(e == MemoryError.None ? "heap check: ok" : $"heap check: FAILED ({e.Name()})");
            if (h.CorruptionsDetected != 0)
                Console.WriteLine($"heap check: {MemoryView.Corrupted(h, false)} ({h.CorruptionsDetected} refused)");
            return;
        }
        Shell.UsageError(this, $"unknown subcommand '{Shell.Printable(sub)}'");
    }

    private HeapCore<HeapMemory>? Heap(ShellSession session) => session.RequireMemory(this)?.Heap;

    // The process computes the text (its statistics, blocks or check) with its own heap code; the shell prints it.
    private void InProcess(Shell shell, string? pidText, ServiceOp op, ulong arg)
    {
        if (shell.Session.RequireMemory(this) == null) return;
        Process? p = HeapServer.Target(this, pidText, out string? started);
        if (p == null) return;
        ServiceRequest? r = HeapServer.Send(this, p, op, arg);
        if (r != null)
        {
            string text = r.Text.EndsWith('\n') ? r.Text[..^1] : r.Text;
            Console.WriteLine(r.Status == 0 || text.Length > 0 ? text : $"heap: pid {p.Pid} failed ({r.Status})");
        }
        if (started != null) Console.WriteLine(started);
    }

    private static void Statistics(HeapCore<HeapMemory> heap, string name)
    {
        HeapStatistics s = heap.Statistics();
        Console.WriteLine($"{name}: {Format.Hex(heap.Base.Value)}-{Format.Hex(heap.End.Value)}, "
            + $"size {s.HeapSize} B ({Format.Size(s.HeapSize)})");
        Console.WriteLine($"  used {s.UsedBytes} B, free {s.FreeBytes} B, overhead {s.OverheadBytes} B");
        Console.WriteLine($"  largest free block {s.LargestFreeBlock} B, fragmentation {s.Fragmentation:0.000}");
        Console.WriteLine($"  live allocations {s.LiveAllocations} (allocations {s.TotalAllocations}, "
            + $"frees {s.TotalFrees}, failed {s.FailedAllocations})");
        var line = new System.Text.StringBuilder("  small objects per size class:");
        int shown = 0;
        for (int c = 0; c < SizeClasses.Count && c < s.SmallObjectsPerClass.Length; c++)
        {
            if (s.SmallObjectsPerClass[c] == 0) continue;
            line.Append(' ').Append(SizeClasses.Size(c)).Append(" B x").Append(s.SmallObjectsPerClass[c]);
            shown++;
        }
        if (shown == 0) line.Append(" none");
        Console.WriteLine(line.ToString());
    }

    private void Blocks(Shell shell, Arguments args, bool user, string? pidText)
    {
        if (args.Count > 2) { Shell.UsageError(this, "blocks takes at most a count"); return; }
        ulong n = DefaultBlocks;
        if (args.Count == 2 && (!Arguments.TryParseNumber(args[1], out n) || n == 0 || n > MaxBlocks))
        {
            Shell.UsageError(this, $"count must be 1..{MaxBlocks}, not '{Shell.Printable(args[1])}'");
            return;
        }
        if (user) { InProcess(shell, pidText, ServiceOp.Blocks, n); return; }
        if (Heap(shell.Session) is not { } heap) return;
        List<HeapBlock> blocks = heap.Blocks();
        Console.WriteLine($"kernel heap: {blocks.Count} blocks");
        Console.WriteLine("  address               size        state  kind");
        int shown = (int)Math.Min(n, (ulong)blocks.Count);
        for (int i = 0; i < shown; i++)
        {
            HeapBlock b = blocks[i];
            Console.WriteLine($"  {Format.Pad(Format.Hex(b.Address.Value), 20)}  {Format.PadLeft(b.Size + " B", 10)}  "
                + $"{Format.Pad(b.Used ? "used" : "free", 5)}  {b.Kind.Name()}");
        }
        if (blocks.Count > shown)
            Console.WriteLine($"  ... and {blocks.Count - shown} more (heap blocks N shows up to {MaxBlocks})");
    }
}
