using System;
using MemOS.Kernel.Processes;
using MemOS.Memory.Virtual;

namespace MemOS.Kernel.Shell;

/// <summary>
/// A process's page tables loaded for the shell's accesses with `--pid N` (touch, read, write): interrupts off, the
/// process's PML4 in CR3 so its user half is the one reached (and its demand faults resolve in its address space),
/// then the shell's tables back on Dispose. The kernel half is the same in both, so the shell's own code and heap
/// are unaffected.
/// </summary>
internal readonly struct ProcessSpaceScope : IDisposable
{
    private const ulong InterruptFlag = 1UL << 9;
    private readonly AddressSpace? _before;
    private readonly ulong _flags;

    private ProcessSpaceScope(AddressSpace? before, ulong flags)
    {
        _before = before;
        _flags = flags;
    }

    public static ProcessSpaceScope Enter(Process p)
    {
        ulong flags = Hardware.Cpu.ReadFlags();
        Hardware.Cpu.DisableInterrupts();
        AddressSpace? before = Scheduler.LoadedSpace;
        Scheduler.Load(p.Space);
        return new ProcessSpaceScope(before, flags);
    }

    public void Dispose()
    {
        if (_before != null) Scheduler.Load(_before);
        if ((_flags & InterruptFlag) != 0) Hardware.Cpu.EnableInterrupts();
    }
}
