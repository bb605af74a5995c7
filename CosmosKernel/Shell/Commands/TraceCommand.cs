using System;
using System.Collections.Generic;
using System.Text;
using MemOS.Kernel.MemoryManagement;
using MemOS.Memory.Faults;

namespace MemOS.Kernel.Shell.Commands;

/// <summary>
/// trace: when on, alloc, free and touch tell each step in the seed's words after doing the operation. The heap's
/// steps are derived from its numbers before and after (the heap API does not narrate); the fault steps are the
/// resolver's trace events recorded by the fault handler.
/// </summary>
internal sealed class TraceCommand : Command
{
    /// <summary>Whether alloc, free and touch narrate.</summary>
    public static bool On { get; private set; }

    public override string Name => "trace";
    public override string Usage => "trace [on|off]";
    public override string Description => "narrate alloc, free and touch step by step (heap -> fault -> VMM -> PMM -> page table)";
    public override string Details =>
        "  trace          show whether tracing is on\n" +
        "  trace on       alloc, free and touch print each step after their result line, e.g.\n" +
        "                   alloc 64K  ->  the heap looks for a free block of 65536 B\n" +
        "                                  none fits: the heap grows by N B at 0xffffc000000... ...\n" +
        "                                  page fault at 0x... (write, not present, kernel) -> region kernel heap (demand) -> ...\n" +
        "  trace off      back to one line per command";

    public override void Execute(Shell shell, Arguments args)
    {
        if (args.Count > 1) { Shell.UsageError(this, "too many arguments"); return; }
        if (args.Count == 1)
        {
            string word = args[0].ToLowerInvariant();
            if (word == "on") On = true;
            else if (word == "off") On = false;
            else { Shell.UsageError(this, $"'{Shell.Printable(args[0])}' is neither on nor off"); return; }
        }
        Console.WriteLine(On ? "trace: on (alloc, free and touch narrate each step)" : "trace: off");
    }

    /// <summary>
    /// Prints the faults of an access window, one line per fault (its events joined with "->"); when there were
    /// none and `address` is not 0, that it was already mapped. Returns how many faults it told.
    /// </summary>
    public static int NarrateFaults(FaultLog log, AccessWindow window, ulong address)
    {
        List<FaultTraceEvent> events = log.EventsSince(window.EventsBefore);
        int count = (int)Math.Min((ulong)events.Count, window.EventsAfter - window.EventsBefore);
        var line = new StringBuilder();
        int faults = 0;
        for (int i = 0; i < count; i++)
        {
            FaultTraceEvent e = events[i];
            if (e.Kind == FaultTraceKind.Fault)
            {
                if (line.Length > 0) Step(line.ToString());
                line.Clear();
                faults++;
            }
            else if (line.Length > 0) line.Append(" -> ");
            line.Append(e.Describe());
        }
        if (line.Length > 0) Step(line.ToString());
        if (faults == 0 && address != 0) Step($"{Format.Hex(address)} is already mapped, no work");
        return faults;
    }

    /// <summary>One narrated step, indented under the command's result line.</summary>
    public static void Step(string text) => Console.WriteLine("  " + text);
}
