using System;
using System.Collections.Generic;
using MemOS.Kernel.MemoryManagement;
using MemOS.Memory.Faults;

namespace MemOS.Kernel.Shell.Commands;

/// <summary>faults: the fault counters, then the most recent page faults as the handler saw them.</summary>
internal sealed class FaultsCommand : Command
{
    private const ulong DefaultCount = 10, MaxCount = 64; // the fault log keeps the last 64

    public override string Name => "faults";
    public override string Usage => "faults [N]";
    public override string Description => "page-fault counters and the last N faults (CR2, error code, RIP, outcome)";
    public override string Details =>
        "First line: faults: T total, Z zero-page, D demand-zero, C copy-on-write, V violations\n" +
        "  (zero-page: a demand read mapped the shared zero page; demand-zero: a demand write got a private zeroed\n" +
        "   frame; copy-on-write: a write to the zero page or a shared frame got a private copy).\n" +
        $"Then one line per fault, oldest first (default {DefaultCount}, at most {MaxCount}):\n" +
        "  #SEQ cr2=0xADDR ERROR-CODE rip=0xADDR (Namespace.Type.Method+0xOFFSET) -> OUTCOME\n" +
        "examples: faults   faults 64";

    public override void Execute(Shell shell, Arguments args)
    {
        if (args.Count > 1) { Shell.UsageError(this, "takes at most a count"); return; }
        ulong n = DefaultCount;
        if (args.Count == 1 && (!Arguments.TryParseNumber(args[0], out n) || n == 0 || n > MaxCount))
        {
            Shell.UsageError(this, $"count must be 1..{MaxCount}, not '{Shell.Printable(args[0])}'");
            return;
        }
        KernelMemory? m = shell.Session.RequireMemory(this);
        if (m == null) return;

        FaultStatistics stats = m.Resolver.Statistics;
        ulong count = m.Faults.FaultCount;
        List<FaultRecord> recent = m.Faults.FaultsSince(count > n ? count - n : 0);
        Console.WriteLine(MemoryView.FaultSummary(stats));
        foreach (FaultRecord f in recent)
            Console.WriteLine($"#{f.Sequence} pid {f.Pid} cr2={Format.Hex(f.Cr2.Value)} {f.Code.Describe()} "
                + $"rip={Format.Hex(f.Rip)}{RipSymbol(f.Pid, f.Rip)} -> {f.Outcome.Describe()}");
    }

    // The method the faulting instruction is in, when it has a symbol: the kernel's, or (a user RIP) the program's of
    // that pid while the process lives (its file in the archive carries the table, as the segfault line uses).
    private static unsafe string RipSymbol(int pid, ulong rip)
    {
        if (KernelLayout.IsUser(rip))
            return pid != 0 && Processes.Scheduler.Find(pid) is { } p
                ? Processes.ProgramSymbols.Describe(p.Name, rip)
                : "";
        return Core.Exceptions.SymbolTable.TryFindCode(rip, out _, out _)
            ? " (" + Core.Exceptions.SymbolTable.Describe(rip) + ")"
            : "";
    }

}
