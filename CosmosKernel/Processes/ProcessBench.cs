using System;
using MemOS.Kernel.Hardware;
using MemOS.Kernel.Shell.Commands;

namespace MemOS.Kernel.Processes;

/// <summary>
/// `bench`'s process rows, in TSC cycles like its other rows (under QEMU -icount shift=0 one cycle per guest
/// instruction): a getpid round trip (ring 3 → syscall → sysret), spawn +
/// exit of a minimal program, and a context switch (two processes ping-ponging sched_yield).
/// </summary>
internal static class ProcessBench
{
    private const int GetpidCalls = 20000, YieldCalls = 5000, Rounds = 5;

    public static void Run()
    {
        if (!ProgramArchive.TryGet("ctest", out _))
        {
            Console.WriteLine("  (process rows need ctest from ctests.tar)");
            return;
        }
        Syscalls.Quiet = true;
        try
        {
            // A getpid round is two programs (none and GetpidCalls calls); one that could not run fails all its calls.
            BenchRound getpid = BenchCommand.Median(r =>
            {
                ulong baseline = Time(["ctest", "getpid", "0"]);
                ulong loop = Time(["ctest", "getpid", GetpidCalls.ToString()]);
                if (baseline == ulong.MaxValue || loop == ulong.MaxValue)
                    return new BenchRound(ulong.MaxValue, GetpidCalls);
                return new BenchRound(loop > baseline ? (loop - baseline) / GetpidCalls : 0, 0);
            });
            BenchCommand.Row("getpid round trip (syscall + sysret)", GetpidCalls, getpid, "could not spawn ctest");
            BenchCommand.Row("spawn + exit (ctest exit 0, waited for)", 1,
                BenchCommand.Median(r => Once(Time(["ctest", "exit", "0"]), 1)), "could not spawn ctest");
            BenchCommand.Row("context switch (sched_yield ping-pong)", YieldCalls * 2,
                BenchCommand.Median(r => Once(Switch(), YieldCalls * 2)),
                "could not spawn two ctests, or never switched");
        }
        finally { Syscalls.Quiet = false; }
    }

    // A round that is one measurement: it failed as a whole (all its iterations) when it could not run.
    private static BenchRound Once(ulong cycles, ulong iterations)
        => cycles == ulong.MaxValue ? new BenchRound(ulong.MaxValue, iterations) : new BenchRound(cycles, 0);

    // One program from spawn to its exit collected (ulong.MaxValue: it could not be spawned).
    private static ulong Time(string[] argv)
    {
        if (BenchAllocations.Refused) return ulong.MaxValue;
        ulong t0 = Cpu.ReadTsc();
        Process? p = ProcessLoader.Spawn(argv[0], argv, Scheduler.Kernel, out _);
        if (p == null) return ulong.MaxValue;
        Scheduler.WaitForExit(p);
        Scheduler.Remove(p);
        return Cpu.ReadTsc() - t0;
    }

    // Two yielders: time per kernel-stack switch while both run (the kernel task takes its turns too).
    private static ulong Switch()
    {
        if (BenchAllocations.Refused) return ulong.MaxValue;
        Process? a = ProcessLoader.Spawn("ctest", ["ctest", "yield", YieldCalls.ToString()], Scheduler.Kernel, out _);
        Process? b = ProcessLoader.Spawn("ctest", ["ctest", "yield", YieldCalls.ToString()], Scheduler.Kernel, out _);
        if (a == null || b == null)
        {
            // the one that did start runs to its end and is collected, so nothing is left behind
            if (a != null) { Scheduler.WaitForExit(a); Scheduler.Remove(a); }
            if (b != null) { Scheduler.WaitForExit(b); Scheduler.Remove(b); }
            return ulong.MaxValue;
        }
        ulong s0 = Scheduler.Switches, t0 = Cpu.ReadTsc();
        Scheduler.WaitForExit(a);
        Scheduler.WaitForExit(b);
        ulong cycles = Cpu.ReadTsc() - t0, switches = Scheduler.Switches - s0;
        Scheduler.Remove(a);
        Scheduler.Remove(b);
        return switches == 0 ? ulong.MaxValue : cycles / switches;
    }
}
