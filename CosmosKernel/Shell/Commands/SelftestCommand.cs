using System;
using MemOS.Kernel.MemoryManagement;
using MemOS.Memory;
using MemOS.Memory.Paging;
using MemOS.Memory.Physical;
using MemOS.Memory.Virtual;
using MemOS.Kernel.Hardware;
using Cpu = MemOS.Kernel.Hardware.Cpu;

namespace MemOS.Kernel.Shell.Commands;

/// <summary>
/// selftest: the memory system checks itself on the running machine: PMM and heap invariants, the page tables'
/// protections where they matter, regions, the zero page, and the CPU's protection bits.
/// </summary>
internal sealed class SelftestCommand : Command
{
    private int _passed, _failed, _skipped;

    public override string Name => "selftest";
    public override string Usage => "selftest";
    public override string Description => "check the memory system on the running machine: PASS/FAIL per check";
    public override string Details =>
        "Checks: PMM invariants and conservation (free + used + reserved = total); kernel text present, read-only " +
        "and\n" +
        "executable; rodata no-execute; the stack guard page and the null page unmapped; a direct-map translation;\n" +
        "kernel heap invariants, and the resident heapd's own check of its heap; regions sorted and\n" +
        "non-overlapping; the zero page referenced;\n" +
        "CR0.WP, EFER.NXE, CR4.PGE, CR4.SMEP and CR4.SMAP on (NX, SMEP and SMAP checks skipped on a CPU\n" +
        "without them).\n" +
        "Output: 'PASS name', 'FAIL name: reason' or 'SKIP name (reason)' per check, then\n" +
        "'selftest: P passed, F failed, S skipped'.\n" +
        "example: selftest";

    public override void Execute(Shell shell, Arguments args)
    {
        if (RefuseArguments(args)) return;
        KernelMemory? m = shell.Session.RequireMemory(this);
        if (m == null) return;
        _passed = _failed = _skipped = 0;

        MemoryError pmm = m.Pmm.Check(out string? problem);
        Report("pmm check", pmm == MemoryError.None, $"{pmm.Name()}: {problem}");
        PhysicalMemoryStatistics s = m.Pmm.Statistics;
        Report("pmm conservation", s.FreeFrames + s.UsedFrames + s.ReservedFrames == s.TotalFrames,
            $"free {s.FreeFrames} + used {s.UsedFrames} + reserved {s.ReservedFrames} != total {s.TotalFrames}");

        PageTable table = m.Space.PageTable;
        KernelImage image = m.Image;
        Effective(table, image.TextStart, out bool textPresent, out bool textWritable, out bool textNx);
        Report("kernel text present", textPresent, $"{Format.Hex(image.TextStart)} not mapped");
        Report("kernel text read-only", textPresent && !textWritable, $"{Format.Hex(image.TextStart)} is writable");
        Report("kernel text executable", textPresent && !textNx, $"{Format.Hex(image.TextStart)} is NX");
        Effective(table, image.RodataStart, out bool roPresent, out bool roWritable, out bool roNx);
        Report("kernel rodata read-only", roPresent && !roWritable,
            roPresent ? $"{Format.Hex(image.RodataStart)} is writable" : $"{Format.Hex(image.RodataStart)} not mapped");
        if (m.Cpu.Nx)
            Report("kernel rodata no-execute", roNx, $"{Format.Hex(image.RodataStart)} is executable");
        else Skip("kernel rodata no-execute", "the CPU has no NX");
        Report("stack guard page unmapped", !table.Lookup(new VirtualAddress(image.StackGuard)).IsMapped,
            $"{Format.Hex(image.StackGuard)} is mapped");
        Report("null page unmapped", !table.Lookup(new VirtualAddress(0)).IsMapped, "0x0 is mapped");

        PhysicalAddress frame = m.Resolver.ZeroPage;
        Result<PhysicalAddress> direct = table.Translate(KernelLayout.DirectMap(frame));
        Report("direct map translation", direct.Ok && direct.Value == frame,
            direct.Ok
                ? $"{Format.Hex(KernelLayout.DirectMap(frame).Value)} -> {Format.Hex(direct.Value.Value)}, "
                    + $"expected {Format.Hex(frame.Value)}"
                : $"{Format.Hex(KernelLayout.DirectMap(frame).Value)}: {direct.Error.Name()}");

        MemoryError kernelHeap = m.Heap.Check();
        Report("kernel heap check", kernelHeap == MemoryError.None, kernelHeap.Name());
        // A user heap is its process's: the resident heapd checks its own, in ring 3, and says what it found.
        if (HeapServer.Resident is { } heapd)
        {
            Processes.ServiceRequest? r = HeapServer.Send(this, heapd, Processes.ServiceOp.Check);
            string said = r == null ? "no answer" : r.Text.TrimEnd('\n');
            Report($"user heap check (pid {heapd.Pid}, {heapd.Name}, by itself)",
                r != null && r.Status == 0, said);
        }
        else Skip("user heap check", "no heapd running: `alloc --user` starts it");
        Report("regions sorted and non-overlapping", RegionsOrdered(m.Space, out string why), why);

        int zeroRefs = m.Pmm.ReferenceCount(m.Resolver.ZeroPage);
        Report("zero page referenced", zeroRefs >= 1, $"reference count {zeroRefs}");

        ulong cr0 = Cpu.ReadCr0(), cr4 = Cpu.ReadCr4(), efer = Cpu.ReadMsr(ControlBits.EferMsr);
        Report("CR0.WP on", (cr0 & ControlBits.Cr0WriteProtect) != 0, $"CR0 = 0x{cr0:x}");
        if (m.Cpu.Nx) Report("EFER.NXE on", (efer & ControlBits.EferNoExecute) != 0, $"EFER = 0x{efer:x}");
        else Skip("EFER.NXE on", "the CPU has no NX");
        Report("CR4.PGE on", (cr4 & ControlBits.Cr4GlobalPages) != 0, $"CR4 = 0x{cr4:x}");
        if (m.Cpu.Smep) Report("CR4.SMEP on", (cr4 & ControlBits.Cr4Smep) != 0, $"CR4 = 0x{cr4:x}");
        else Skip("CR4.SMEP on", "the CPU has no SMEP");
        if (m.Cpu.Smap) Report("CR4.SMAP on", (cr4 & ControlBits.Cr4Smap) != 0, $"CR4 = 0x{cr4:x}");
        else Skip("CR4.SMAP on", "the CPU has no SMAP");

        Console.WriteLine($"selftest: {_passed} passed, {_failed} failed, {_skipped} skipped");
    }

    private void Report(string name, bool ok, string reason)
    {
        if (ok) { _passed++; Console.WriteLine($"PASS {name}"); }
        else { _failed++; Console.WriteLine($"FAIL {name}: {reason}"); }
    }

    private void Skip(string name, string reason)
    {
        _skipped++;
        Console.WriteLine($"SKIP {name} ({reason})");
    }

    // What the MMU enforces: writable only if every level allows it, NX if any level sets it.
    private static void Effective(
        PageTable table, ulong address, out bool present, out bool writable, out bool noExecute)
    {
        PageWalk walk = table.Walk(new VirtualAddress(address));
        present = walk.Translated;
        writable = true;
        noExecute = false;
        foreach (PageWalkStep step in walk.Steps)
        {
            writable &= (step.Flags & PageFlags.Writable) != 0;
            noExecute |= (step.Flags & PageFlags.NoExecute) != 0;
        }
    }

    private static bool RegionsOrdered(AddressSpace space, out string why)
    {
        why = "";
        ulong previousEnd = 0;
        string previous = "";
        foreach (Region r in space.Regions)
        {
            if (r.Base.Value < previousEnd)
            {
                why = $"{r.Name} at {Format.Hex(r.Base.Value)} starts before {previous} ends "
                    + $"({Format.Hex(previousEnd)})";
                return false;
            }
            if (r.End.Value < r.Base.Value) { why = $"{r.Name} wraps around"; return false; }
            previousEnd = r.End.Value;
            previous = r.Name;
        }
        return true;
    }
}
