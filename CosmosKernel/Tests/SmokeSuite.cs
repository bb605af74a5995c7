using System.Collections.Generic;
using MemOS.Kernel.Hardware;
using MemOS.Kernel.MemoryManagement;

namespace MemOS.Kernel.Tests;

/// <summary>The smallest suite: the kernel booted, the timer ticks, and memory runs on MemOS's own manager.</summary>
internal static unsafe class SmokeSuite
{
    public static List<KernelTest> Tests() =>
    [
        new("timer_ticks", () => Timer.Ticks > 0 ? null : "the PIT never ticked"),
        new("own_page_tables", OwnPageTables),
        new("kernel_heap_serves_new", KernelHeapServesNew),
    ];

    private static string? OwnPageTables()
    {
        KernelMemory? m = KernelMemory.Current;
        if (m == null) return "memory was not brought up";
        ulong cr3 = Cpu.ReadCr3() & ~0xFFFUL;
        if (cr3 != m.Space.PageTable.Root.Value) return $"CR3 is 0x{cr3:x}, not the kernel address space's PML4 {m.Space.PageTable.Root}";
        if ((Cpu.ReadCr0() & (1UL << 16)) == 0) return "CR0.WP is off";
        return null;
    }

    private static string? KernelHeapServesNew()
    {
        KernelMemory? m = KernelMemory.Current;
        if (m == null) return "memory was not brought up";
        if (Plugs.ManagedAllocator.Backend != "kernel heap") return $"managed new goes to {Plugs.ManagedAllocator.Backend}";
        ulong before = m.Heap.Statistics().UsedBytes;
        var keep = new byte[1000];
        ulong after = m.Heap.Statistics().UsedBytes;
        var address = (ulong)System.Runtime.CompilerServices.Unsafe.AsPointer(ref keep[0]);
        if (address - KernelLayout.KernelHeapBase >= KernelLayout.KernelHeapMax) return $"new byte[1000] landed at 0x{address:x}, outside the kernel heap";
        return after >= before + 1000 ? null : $"heap use grew by {after - before} bytes for a 1000-byte array";
    }
}
