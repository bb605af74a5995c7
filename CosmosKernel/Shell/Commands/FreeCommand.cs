using System;
using MemOS.Kernel.MemoryManagement;
using MemOS.Memory;
using MemOS.Memory.Tracing;
using MemOS.Memory.Heap;
using MemOS.Memory.Virtual;

namespace MemOS.Kernel.Shell.Commands;

/// <summary>
/// free: kfree (or free with --user) of a block from `alloc`. Bad and repeated pointers are reported by the heap
/// with nothing changed; a live kernel-heap block the shell did not hand out (a managed object) is refused.
/// </summary>
internal sealed class FreeCommand : Command
{
    public override string Name => "free";
    public override string[] Aliases => ["kfree"];
    public override string Usage => "free ADDR [--user]";
    public override string Description => "give back a block from alloc (kernel heap, or the user heap with --user)";
    public override string Details =>
        "  examples:\n" +
        "    free 0xffffc00000001230          freed 0xffffc00000001230 (64 B)\n" +
        "    free 0xffffc00000001230          free: 0xffffc00000001230: not an allocated block (DoubleFree)\n" +
        "    free 0x10000010 --user\n" +
        "  in the kernel heap only blocks from `alloc` can be freed: the others hold the kernel's own objects";

    public override void Execute(Shell shell, Arguments args)
    {
        bool user = args.TakeFlag("--user");
        if (!MemoryArguments.CheckCount(this, args, 1, 1)) return;
        if (!MemoryArguments.TryCanonical(this, args[0], out ulong address)) return;
        KernelMemory? m = shell.Session.RequireMemory(this);
        if (m == null) return;
        HeapCore<HeapMemory> heap = user ? m.UserHeap : m.Heap;
        Region region = user ? m.UserHeapRegion : m.HeapRegion;
        var va = new VirtualAddress(address);

        LiveBlocks blocks = shell.Session.KernelBlocks;
        bool ours = user || blocks.IsLive(address);
        if (!ours && blocks.WasFreed(address))
        {
            Console.WriteLine($"free: {Format.Hex(address)}: not an allocated block (DoubleFree)");
            return;
        }
        Result<ulong> size = heap.SizeOf(va);
        if (!ours && size.Ok)
        {
            Console.WriteLine($"free: {Format.Hex(address)}: not an allocated block "
                + "(in use by the kernel, not from alloc)");
            return;
        }

        var window = AccessWindow.Open(m);
        // A block that is not live: Free names the reason (DoubleFree, BadPointer, Misaligned) and changes nothing.
        MemoryError error = heap.Free(va);
        window = window.Close(m);
        if (error == MemoryError.HeapCorrupted)
        {
            Console.WriteLine($"free: {Format.Hex(address)}: {MemoryView.Corrupted(heap, user)}; nothing changed "
                + $"({error.Name()})");
            return;
        }
        if (error != MemoryError.None)
        {
            Console.WriteLine($"free: {Format.Hex(address)}: not an allocated block ({error.Name()})");
            return;
        }
        if (!user) blocks.Freed(address);
        Console.WriteLine(size.Ok
            ? $"freed {Format.Hex(address)} ({size.Value} B)"
            : $"freed {Format.Hex(address)} (size unknown)");
        if (shell.Session.Tracing) TraceCommand.Narrate(m.Faults, window);
    }
}
