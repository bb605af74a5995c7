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
        new("gc_apis_report_the_kernel_heap", GcApisReportTheKernelHeap),
        new("native_memory_goes_to_the_kernel_heap", NativeMemoryGoesToTheKernelHeap),
        new("frame_above_4gib_written_and_read_through_the_direct_map", HighMemoryCheck.FrameAbove4GiB,
            HighMemoryCheck.NotApplicable),
    ];

    private static string? GcApisReportTheKernelHeap()
    {
        KernelMemory m = KernelMemory.Current!;
        long total = System.GC.GetTotalMemory(false);
        ulong used = m.Heap.Statistics().UsedBytes;
        if (total <= 0 || (ulong)total > used + 4096 || (ulong)total + 64 * 1024 < used)
            return $"GC.GetTotalMemory says {total}, the kernel heap uses {used}";
        System.GCMemoryInfo info = System.GC.GetGCMemoryInfo();
        ulong usable = m.Pmm.Statistics.UsableFrames * 4096;
        return info.TotalAvailableMemoryBytes == (long)usable ? null
            : $"GetGCMemoryInfo says {info.TotalAvailableMemoryBytes} B available, the PMM has {usable} B usable";
    }

    private static string? NativeMemoryGoesToTheKernelHeap()
    {
        void* p = System.Runtime.InteropServices.NativeMemory.Alloc(3000);
        void* q = System.Runtime.InteropServices.NativeMemory.AlignedAlloc(4096, 4096);
        try
        {
            if ((ulong)p - KernelLayout.KernelHeapBase >= KernelLayout.KernelHeapMax)
                return $"NativeMemory.Alloc returned 0x{(ulong)p:x}, outside the kernel heap";
            if (((ulong)q & 4095) != 0 || (ulong)q - KernelLayout.KernelHeapBase >= KernelLayout.KernelHeapMax)
                return $"NativeMemory.AlignedAlloc(4096) returned 0x{(ulong)q:x}";
            return KernelMemory.Current!.Heap.SizeOf(new MemOS.Memory.VirtualAddress((ulong)p)).Value >= 3000 ? null
                : "the kernel heap does not know the native block";
        }
        finally
        {
            System.Runtime.InteropServices.NativeMemory.Free(p);
            System.Runtime.InteropServices.NativeMemory.AlignedFree(q);
        }
    }

    private static string? OwnPageTables()
    {
        KernelMemory? m = KernelMemory.Current;
        if (m == null) return "memory was not brought up";
        ulong cr3 = Cpu.ReadCr3() & ~0xFFFUL;
        if (cr3 != m.Space.PageTable.Root.Value)
            return $"CR3 is 0x{cr3:x}, not the kernel address space's PML4 {m.Space.PageTable.Root}";
        if ((Cpu.ReadCr0() & ControlBits.Cr0WriteProtect) == 0) return "CR0.WP is off";
        return null;
    }

    private static string? KernelHeapServesNew()
    {
        KernelMemory? m = KernelMemory.Current;
        if (m == null) return "memory was not brought up";
        if (Plugs.ManagedAllocator.Backend != "kernel heap")
            return $"managed new goes to {Plugs.ManagedAllocator.Backend}";
        ulong before = m.Heap.Statistics().UsedBytes;
        var keep = new byte[1000];
        ulong after = m.Heap.Statistics().UsedBytes;
        var address = (ulong)System.Runtime.CompilerServices.Unsafe.AsPointer(ref keep[0]);
        if (address - KernelLayout.KernelHeapBase >= KernelLayout.KernelHeapMax)
            return $"new byte[1000] landed at 0x{address:x}, outside the kernel heap";
        return after >= before + 1000 ? null : $"heap use grew by {after - before} bytes for a 1000-byte array";
    }
}
