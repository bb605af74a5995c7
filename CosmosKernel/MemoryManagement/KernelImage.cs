using System.Runtime;
using System.Runtime.CompilerServices;

namespace MemOS.Kernel.MemoryManagement;

/// <summary>Where the linker put each part of the kernel image (virtual addresses in the top 2 GiB).</summary>
internal readonly unsafe struct KernelImage
{
    public readonly ulong Start, TextStart, TextEnd, RodataStart, RodataEnd, DataStart, End, BootTablesStart,
        BootTablesEnd, StackGuard;

    private KernelImage(ulong* a)
    {
        Start = a[0]; TextStart = a[1]; TextEnd = a[2]; RodataStart = a[3]; RodataEnd = a[4];
        DataStart = a[5]; End = a[6]; BootTablesStart = a[7]; BootTablesEnd = a[8]; StackGuard = a[9];
    }

    public static unsafe KernelImage Read()
    {
        ulong* a = stackalloc ulong[10];
        Layout(a);
        return new KernelImage(a);
    }

    /// <summary>Physical address of an image address: it is loaded at its virtual address minus the base.</summary>
    public static ulong Physical(ulong virtualAddress) => virtualAddress - KernelLayout.ImageBase;

    /// <summary>The image starts at 1 MiB (the multiboot headers and 32-bit entry precede .text).</summary>
    public const ulong PhysicalStart = 0x10_0000;

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "memos_image_layout")]
    private static extern unsafe void Layout(ulong* addresses);
}
