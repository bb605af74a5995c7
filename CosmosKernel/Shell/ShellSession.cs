using System;
using MemOS.Kernel.MemoryManagement;
using MemOS.Memory.Virtual;
using MemOS.Memory.Tracing;

namespace MemOS.Kernel.Shell;

/// <summary>
/// The shell's state, one per shell and reached by every command through Shell.Session: the memory service, the
/// address space commands act on, and what earlier commands left for later ones (blocks `alloc` handed out, frames
/// `map` and `pmm alloc` took, whether `trace` is on). Commands keep nothing of their own between lines.
/// </summary>
internal sealed class ShellSession(KernelMemory? memory)
{
    /// <summary>The memory service, or null if memory was never brought up.</summary>
    public KernelMemory? Memory => memory;

    private AddressSpace? _space = memory?.Space;

    /// <summary>
    /// The address space the shell looks at and acts on (set whenever Memory is): the kernel's today. When
    /// processes exist, the current process's space goes here, and vmmap, pagewalk, map, touch and write follow it.
    /// </summary>
    public AddressSpace Space
    {
        get => _space!;
        set => _space = value;
    }

    /// <summary>Kernel-heap blocks handed out by `alloc`: the only kernel blocks `free` gives back.</summary>
    public LiveBlocks KernelBlocks { get; } = new();

    /// <summary>Pages `map` made in the scratch window with a frame of its own (`unmap` frees those frames).</summary>
    public ScratchMappings Scratch { get; } = new();

    /// <summary>Frames `pmm alloc` handed out (the only ones `pmm free` gives back).</summary>
    public HandFrames Frames { get; } = new();

    /// <summary>
    /// Whether alloc, free, touch and write narrate: the memory layers' own switch (`trace on|off` sets
    /// <see cref="MemoryTrace"/>'s sink), read here so commands ask one place.
    /// </summary>
    public bool Tracing => MemoryTrace.On;

    /// <summary>The memory service, or null after printing the one line that says it is not there.</summary>
    public KernelMemory? RequireMemory(Command command)
    {
        if (memory == null) Console.WriteLine($"{command.Name}: the memory manager is not running");
        return memory;
    }
}
