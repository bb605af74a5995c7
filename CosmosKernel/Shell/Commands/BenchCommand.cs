using System;
using MemOS.Kernel.Hardware;
using MemOS.Kernel.MemoryManagement;
using MemOS.Memory;
using MemOS.Memory.Boot;
using MemOS.Memory.Physical;
using MemOS.Memory.Virtual;

namespace MemOS.Kernel.Shell.Commands;

/// <summary>
/// bench: in-kernel microbenchmarks timed with rdtsc (deterministic under QEMU -icount): the page-fault round trip,
/// a demand-zero fault, zeroing a page, PMM frame alloc+free, kernel heap alloc+free by size, a throw caught 1 and
/// 10 frames up. Each is the median
/// cycles/op of a few rounds; interrupts are off inside a round. A program, never an assert: it prints a table.
/// </summary>
internal sealed class BenchCommand : Command
{
    public BenchCommand(BootInfo boot) => BenchAllocations.Configure(boot);

    private const int Rounds = 5, Iterations = 200, DemandPages = 64;
    private const ulong InterruptFlag = 1UL << 9;
    // No region and nothing mapped here (above the scratch window): every access is refused.
    private const ulong RefusedAddress = 0xFFFF_E000_2000_0000;
    private static readonly ulong[] HeapSizes = [16, 64, 256, 1024, 4096, 65536];

    public override string Name => "bench";
    public override string Usage => "bench";
    public override string Description
        => "microbenchmarks in cycles (rdtsc): page fault, demand-zero, zeroing, PMM, heap, throw";
    public override string Details =>
        "  #PF round trip, refused: a read with no region, resolved as a violation and resumed at SafeAccess's " +
        "fixup:\n" +
        "    the whole trip through the CPU, the handler and the resolver's decision, with no mapping work\n" +
        "  demand-zero fault: a write to a fresh page of a demand region made for the bench (freed after):\n" +
        "    the trip plus a PMM frame, zeroing it and mapping it\n" +
        "  the ratio compares demand-zero with its floor, (round trip + zeroing a page)\n" +
        "  a row whose iterations did not all do its work (a read not refused, a write refused, an allocation that\n" +
        "  failed) says \"failed\" and how many, instead of timing something else\n" +
        "  run under QEMU with -icount shift=0 for numbers that repeat; the faults it takes show in `faults`";

    public override void Execute(Shell shell, Arguments args)
    {
        if (RefuseArguments(args)) return;
        KernelMemory? m = shell.Session.RequireMemory(this);
        if (m == null) return;
        ulong start = Cpu.ReadTsc();
        Result<PhysicalAddress> scratch = m.Pmm.AllocateFrame(FrameUsage.Kernel);
        if (!scratch.Ok) { Console.WriteLine("bench: out of memory (no frame to zero)"); return; }

        Console.WriteLine($"bench: cycles from rdtsc (TSC {Timer.TscPerSecond / 1_000_000} MHz), "
            + $"median of {Rounds} rounds, interrupts off in a round");
        Console.WriteLine(
            $"  {Format.Pad("operation", 48)} {Format.PadLeft("iterations", 10)} {Format.PadLeft("cycles/op", 10)}");

        ulong refused = Row("#PF round trip, refused (decision, no mapping)", Iterations,
            Median(r => RefusedFaults(m)), "were not refused");
        ulong demand = Row("demand-zero fault (frame + zero + map)", DemandPages, Median(r => DemandZero(m)),
            "took no demand-zero fault (no room for the region, refused, or already mapped)");
        ulong zero = Row("zero one 4 KiB page", Iterations, Median(r => ZeroPage(m, scratch.Value)), "");
        m.Pmm.FreeFrame(scratch.Value);
        Row("PMM frame alloc+free", Iterations, Median(r => Frames(m)), "found no free frame");
        Row("  fault step: resolver decision (demand write)", FaultBench.Iterations,
            Median(r => FaultBench.Decide(m)), "were not a demand-page decision (or had no region)");
        Row("  fault step: page-table map + unmap (invlpg)", FaultBench.Iterations,
            Median(r => FaultBench.MapUnmap(m)), "did not map and unmap (or had no region or frame)");
        foreach (ulong size in HeapSizes)
            Row($"kernel heap alloc+free {Format.Size(size)}", Iterations, Median(r => Heap(m, size)),
                "could not allocate");
        Row("throw, caught 1 frame up", ExceptionBench.Iterations,
            Median(r => new BenchRound(ExceptionBench.ThrowAndCatch(1), 0)), "");
        Row("throw, caught 10 frames up", ExceptionBench.Iterations,
            Median(r => new BenchRound(ExceptionBench.ThrowAndCatch(10), 0)), "");

        FramebufferRow();

        ulong floor = refused + zero;
        const string ratioText = "  demand-zero / (#PF round trip + zero page) = ";
        if (demand == ulong.MaxValue || refused == ulong.MaxValue || floor == 0)
            Console.WriteLine(ratioText + "n/a");
        else
        {
            ulong ratio = demand * 100 / floor;
            Console.WriteLine($"{ratioText}{ratio / 100}.{(ratio % 100).ToString("00")}");
        }
        Processes.ProcessBench.Run();
        ulong perMs = Timer.TscPerSecond / 1000;
        if (perMs > 0) Console.WriteLine($"bench: {(Cpu.ReadTsc() - start) / perMs} ms");
    }

    // The row, or "failed" and a line saying how many iterations failed (those cycles mean nothing). Returns the
    // cycles/op the row stands for (ulong.MaxValue when it has none).
    public static ulong Row(string operation, int iterations, BenchRound round, string failure)
    {
        ulong cycles = round.Failed > 0 ? ulong.MaxValue : round.Cycles;
        string text = round.Failed > 0 ? "failed" : cycles == ulong.MaxValue ? "n/a" : cycles.ToString();
        Console.WriteLine($"  {Format.Pad(operation, 48)} {Format.PadLeft(iterations.ToString(), 10)} "
            + Format.PadLeft(text, 10));
        if (round.Failed > 0)
            Console.WriteLine($"    {round.Failed} of {(ulong)Rounds * (ulong)iterations} iterations {failure}");
        else if (round.Cycles == ulong.MaxValue && failure.Length > 0)
            Console.WriteLine($"    could not run: {failure}");
        return cycles;
    }

    // The median cycles/op of the rounds, and the failed iterations of all of them.
    public static BenchRound Median(Func<int, BenchRound> round)
    {
        var results = new ulong[Rounds];
        ulong failed = 0;
        for (int r = 0; r < Rounds; r++)
        {
            BenchRound one = round(r);
            results[r] = one.Cycles;
            failed += one.Failed;
        }
        Array.Sort(results);
        return new BenchRound(results[Rounds / 2], failed);
    }

    private static BenchRound RefusedFaults(KernelMemory m)
    {
        ulong read = 0;
        bool interrupts = Off();
        ulong t0 = Cpu.ReadTsc();
        for (int i = 0; i < Iterations; i++)
            if (SafeAccess.TryRead8(RefusedAddress, out _)) read++;
        ulong t1 = Cpu.ReadTsc();
        On(interrupts);
        return new BenchRound((t1 - t0) / Iterations, read);
    }

    private static BenchRound DemandZero(KernelMemory m)
    {
        const ulong length = DemandPages * VirtualAddress.PageSize;
        Result<Region> region = BenchAllocations.DemandRegion(m, length);
        if (!region.Ok) return new BenchRound(ulong.MaxValue, DemandPages); // no page of it faulted
        ulong start = region.Value.Base.Value, refused = 0, faults = m.Faults.FaultCount;
        bool interrupts = Off();
        ulong t0 = Cpu.ReadTsc();
        for (ulong p = 0; p < length; p += VirtualAddress.PageSize)
            if (!SafeAccess.TryWrite8(start + p, 1)) refused++;
        ulong t1 = Cpu.ReadTsc();
        On(interrupts);
        ulong taken = m.Faults.FaultCount - faults;
        m.Space.FreeRegion(region.Value);
        // each page must have taken its fault (a refused write took one too): fewer means pages already mapped
        ulong failed = refused + (taken < DemandPages ? DemandPages - taken : 0);
        return new BenchRound((t1 - t0) / DemandPages, failed);
    }

    private static BenchRound ZeroPage(KernelMemory m, PhysicalAddress frame)
    {
        bool interrupts = Off();
        ulong t0 = Cpu.ReadTsc();
        for (int i = 0; i < Iterations; i++) m.Physical.Zero(frame, PhysicalAddress.FrameSize);
        ulong t1 = Cpu.ReadTsc();
        On(interrupts);
        return new BenchRound((t1 - t0) / Iterations, 0);
    }

    private static BenchRound Frames(KernelMemory m)
    {
        ulong failed = 0;
        bool interrupts = Off();
        ulong t0 = Cpu.ReadTsc();
        for (int i = 0; i < Iterations; i++)
        {
            Result<PhysicalAddress> f = BenchAllocations.Frame(m, FrameUsage.Used);
            if (f.Ok) m.Pmm.FreeFrame(f.Value);
            else failed++;
        }
        ulong t1 = Cpu.ReadTsc();
        On(interrupts);
        return new BenchRound((t1 - t0) / Iterations, failed);
    }

    private static BenchRound Heap(KernelMemory m, ulong size)
    {
        ulong failed = 0;
        bool interrupts = Off();
        ulong t0 = Cpu.ReadTsc();
        for (int i = 0; i < Iterations; i++)
        {
            Result<VirtualAddress> a = BenchAllocations.Heap(m, size);
            if (a.Ok) m.Heap.Free(a.Value);
            else failed++;
        }
        ulong t1 = Cpu.ReadTsc();
        On(interrupts);
        return new BenchRound((t1 - t0) / Iterations, failed);
    }

    // A full-screen redraw of the framebuffer console from its shadow (every pixel written once): the figure the
    // framebuffer's memory type (write-combining or uncached, `fbwc=off`) would move on hardware that models it.
    private static void FramebufferRow()
    {
        const int redraws = 10;
        TextConsole.FramebufferConsole? console = TextConsole.DisplaySetup.Framebuffer;
        if (console == null)
        {
            Console.WriteLine($"  {Format.Pad("framebuffer full redraw (no framebuffer)", 48)} "
                + $"{Format.PadLeft(redraws.ToString(), 10)} {Format.PadLeft("n/a", 10)}");
            return;
        }
        Row("framebuffer full redraw (shadow -> screen)", redraws, Median(r =>
        {
            bool interrupts = Off();
            ulong t0 = Cpu.ReadTsc();
            for (int i = 0; i < redraws; i++) console.Refresh();
            ulong t1 = Cpu.ReadTsc();
            On(interrupts);
            return new BenchRound((t1 - t0) / redraws, 0);
        }), "");
    }

    private static bool Off()
    {
        bool on = (Cpu.ReadFlags() & InterruptFlag) != 0;
        if (on) Cpu.DisableInterrupts();
        return on;
    }

    private static void On(bool interrupts)
    {
        if (interrupts) Cpu.EnableInterrupts();
    }
}
