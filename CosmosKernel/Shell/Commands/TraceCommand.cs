using System;
using System.Collections.Generic;
using MemOS.Kernel.MemoryManagement;
using MemOS.Memory.Tracing;

namespace MemOS.Kernel.Shell.Commands;

/// <summary>
/// trace: when on, every layer of the memory manager (heap, VMM, fault, PMM, page table) records what it does into
/// the kernel's event ring (<see cref="MemoryTrace"/>), and alloc, free, touch and write print the events their
/// operation caused, in the order they happened. Nothing here reconstructs a step: each line is one layer's event.
/// </summary>
internal sealed class TraceCommand : Command
{
    // A run of the same steps longer than this (e.g. one PMM + one page-table event per page of an immediate
    // growth) prints its first round and a count.
    private const int MaxPeriod = 4, MinRepeats = 3;

    public override string Name => "trace";
    public override string Usage => "trace [on|off]";
    public override string Description
        => "narrate alloc, free, touch, write and run: each layer's events (heap, VMM, fault, PMM, page table)";
    public override string Details =>
        "  trace          show whether tracing is on\n" +
        "  trace on       alloc, free, touch and write print, after their result line, every event their operation\n" +
        "                 caused, in order, each prefixed with the layer that emitted it, e.g.\n" +
        "                   alloc 3000 --user  ->  heap: looks for a block of 3000 B\n" +
        "                                          heap: none fits: grows by 16384 B at 0x10000000\n" +
        "                                          VMM: region user heap grows by 16384 B at 0x10000000: " +
        "left to demand\n" +
        "                                          fault: page fault at 0x10000000 (write, not present, kernel, " +
        "AC set)\n" +
        "                                          PMM: frame 0x... taken (order 0, used)  page table: ...\n" +
        "                 run PROG prints, once the program ended, the events of its own faults, mmap and brk,\n" +
        "                 each line prefixed with its pid (`pid 5 fault: page fault at 0x7fffffffe000 ...`)\n" +
        "  trace off      back to one line per command; the layers record nothing";

    public override void Execute(Shell shell, Arguments args)
    {
        if (args.Count > 1) { Shell.UsageError(this, "too many arguments"); return; }
        if (args.Count == 1)
        {
            string word = args[0].ToLowerInvariant();
            if (word != "on" && word != "off")
            {
                Shell.UsageError(this, $"'{Shell.Printable(args[0])}' is neither on nor off");
                return;
            }
            KernelMemory? m = shell.Session.RequireMemory(this);
            if (m == null) return;
            MemoryTrace.Use(word == "on" ? m.Faults : null);
        }
        Console.WriteLine(MemoryTrace.On ? "trace: on (alloc, free, touch and write narrate each layer's steps)"
            : "trace: off");
    }

    /// <summary>
    /// Prints the events an operation caused (those recorded inside <paramref name="window"/>), one per line, indented
    /// under the command's result line. Returns how many events there were.
    /// </summary>
    public static int Narrate(FaultLog log, AccessWindow window)
    {
        ulong caused = window.EventsAfter - window.EventsBefore;
        List<MemoryEvent> events = log.EventsBetween(window.EventsBefore, window.EventsAfter);
        if ((ulong)events.Count < caused)
            Step($"({caused - (ulong)events.Count} earlier events no longer in the trace ring)");
        Print(events, "");
        return events.Count;
    }

    /// <summary>
    /// After `run` waited for a process: the events recorded while that process was running (its faults, its
    /// mmap/brk regions, the frames and page-table entries they took), each line prefixed with `pid N`. The kernel
    /// heap's events are left out: a process's own heap lives in ring 3 and narrates nothing to the kernel.
    /// </summary>
    public static int NarrateProcess(FaultLog log, int pid, ulong eventsBefore)
    {
        List<MemoryEvent> events = log.EventsOf(pid, eventsBefore, log.EventCount, out ulong lost);
        events.RemoveAll(e => e.Layer == MemoryLayer.Heap);
        if (lost > 0) Step($"({lost} earlier events no longer in the trace ring)");
        Print(events, $"pid {pid} ");
        return events.Count;
    }

    private static void Print(List<MemoryEvent> events, string prefix)
    {
        for (int i = 0; i < events.Count;)
        {
            Period(events, i, out int period, out int repeats);
            for (int j = 0; j < period; j++) Step(prefix + events[i + j].Describe());
            if (repeats > 1)
            {
                MemoryEvent last = events[i + period * repeats - 1];
                Step($"{prefix}... the same {(period == 1 ? "step" : period + " steps")} {repeats - 1} more times, "
                     + "the last: " + last.Describe());
            }
            i += period * repeats;
        }
    }

    // The shortest repeating run of event kinds starting at `start` that repeats at least MinRepeats times (period
    // 1..MaxPeriod), else one event once.
    private static void Period(List<MemoryEvent> events, int start, out int period, out int repeats)
    {
        for (period = 1; period <= MaxPeriod; period++)
        {
            repeats = 1;
            while (start + (repeats + 1) * period <= events.Count
                && SameKinds(events, start, start + repeats * period, period))
                repeats++;
            if (repeats >= MinRepeats) return;
        }
        period = 1;
        repeats = 1;
    }

    private static bool SameKinds(List<MemoryEvent> events, int a, int b, int count)
    {
        for (int k = 0; k < count; k++)
            if (events[a + k].Kind != events[b + k].Kind) return false;
        return true;
    }

    /// <summary>One narrated step, indented under the command's result line.</summary>
    public static void Step(string text) => Console.WriteLine("  " + text);
}
