using System;
using System.Collections.Generic;
using MemOS.Kernel.MemoryManagement;
using MemOS.Memory;
using MemOS.Memory.Heap;

namespace MemOS.Kernel.Shell.Commands;

/// <summary>
/// heap: the kernel heap (or the user heap with --user): statistics, the blocks in address order, and a full
/// invariant check. The kernel heap also serves managed `new`, so listing it changes it a little.
/// </summary>
internal sealed class HeapCommand : Command
{
    private const ulong DefaultBlocks = 32, MaxBlocks = 4096;

    public override string Name => "heap";
    public override string Usage => "heap [blocks [N] | check] [--user]";
    public override string Description => "kernel or user heap: statistics, blocks, invariant check";
    public override string Details =>
        "heap                 used, free, overhead, size, largest free block, fragmentation, live allocations,\n" +
        "                     live small objects per size class\n" +
        $"heap blocks [N]      the first N blocks (default {DefaultBlocks}, at most {MaxBlocks}): address, size, " +
        "used/free, kind\n" +
        "heap check           re-derives every heap invariant from memory: 'heap check: ok' or 'FAILED (error)'\n" +
        "--user               the user heap instead of the kernel heap\n" +
        "examples: heap   heap --user   heap blocks 10   heap check --user";

    public override void Execute(Shell shell, Arguments args)
    {
        bool user = args.TakeFlag("--user");
        string? unknown = args.UnknownOption();
        if (unknown != null) { Shell.UsageError(this, $"unknown option '{Shell.Printable(unknown)}'"); return; }
        string sub = args[0];
        if (args.Count == 0)
        {
            if (Heap(shell.Session, user, out string name) is { } h) Statistics(h, name);
            return;
        }
        if (sub == "blocks") { Blocks(shell.Session, args, user); return; }
        if (sub == "check")
        {
            if (args.Count > 1) { Shell.UsageError(this, "check takes no arguments"); return; }
            if (Heap(shell.Session, user, out _) is not { } h) return;
            MemoryError e = h.Check();
            string prefix = user ? "user heap check" : "heap check";
            Console.WriteLine(e == MemoryError.None ? $"{prefix}: ok" : $"{prefix}: FAILED ({e.Name()})");
            if (h.CorruptionsDetected != 0)
                Console.WriteLine($"{prefix}: {MemoryView.Corrupted(h, user)} ({h.CorruptionsDetected} refused)");
            return;
        }
        Shell.UsageError(this, $"unknown subcommand '{Shell.Printable(sub)}'");
    }

    private HeapCore<HeapMemory>? Heap(ShellSession session, bool user, out string name)
    {
        name = user ? "user heap" : "kernel heap";
        KernelMemory? m = session.RequireMemory(this);
        return m == null ? null : user ? m.UserHeap : m.Heap;
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

    private void Blocks(ShellSession session, Arguments args, bool user)
    {
        if (args.Count > 2) { Shell.UsageError(this, "blocks takes at most a count"); return; }
        ulong n = DefaultBlocks;
        if (args.Count == 2 && (!Arguments.TryParseNumber(args[1], out n) || n == 0 || n > MaxBlocks))
        {
            Shell.UsageError(this, $"count must be 1..{MaxBlocks}, not '{Shell.Printable(args[1])}'");
            return;
        }
        if (Heap(session, user, out string name) is not { } heap) return;
        List<HeapBlock> blocks = heap.Blocks();
        Console.WriteLine($"{name}: {blocks.Count} blocks");
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
