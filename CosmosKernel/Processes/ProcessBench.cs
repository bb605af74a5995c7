using System;
using MemOS.Kernel.Hardware;
using MemOS.Kernel.Shell;

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
            ulong baseline = Median(() => Time(["ctest", "getpid", "0"]));
            ulong loop = Median(() => Time(["ctest", "getpid", GetpidCalls.ToString()]));
            Row("getpid round trip (syscall + sysret)", GetpidCalls,
                loop > baseline ? (loop - baseline) / GetpidCalls : 0);
            Row("spawn + exit (ctest exit 0, waited for)", 1, Median(() => Time(["ctest", "exit", "0"])));
            Row("context switch (sched_yield ping-pong)", YieldCalls * 2, Median(Switch));
        }
        finally { Syscalls.Quiet = false; }
    }

    private static void Row(string operation, int iterations, ulong cycles)
        => Console.WriteLine($"  {Format.Pad(operation, 48)} {Format.PadLeft(iterations.ToString(), 10)} "
            + Format.PadLeft(cycles == ulong.MaxValue ? "n/a" : cycles.ToString(), 10));

    private static ulong Median(Func<ulong> round)
    {
        var r = new ulong[Rounds];
        for (int i = 0; i < Rounds; i++) r[i] = round();
        Array.Sort(r);
        return r[Rounds / 2];
    }

    // One program from spawn to its exit collected.
    private static ulong Time(string[] argv)
    {
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
        Process? a = ProcessLoader.Spawn("ctest", ["ctest", "yield", YieldCalls.ToString()], Scheduler.Kernel, out _);
        Process? b = ProcessLoader.Spawn("ctest", ["ctest", "yield", YieldCalls.ToString()], Scheduler.Kernel, out _);
        if (a == null || b == null) return ulong.MaxValue;
        ulong s0 = Scheduler.Switches, t0 = Cpu.ReadTsc();
        Scheduler.WaitForExit(a);
        Scheduler.WaitForExit(b);
        ulong cycles = Cpu.ReadTsc() - t0, switches = Scheduler.Switches - s0;
        Scheduler.Remove(a);
        Scheduler.Remove(b);
        return switches == 0 ? ulong.MaxValue : cycles / switches;
    }
}
