using System.Runtime;
using System.Runtime.CompilerServices;

namespace MemOS.Kernel.Hardware;

/// <summary>The kernel's one stack (from boot.asm). A fault with RSP below its bottom is a stack overflow.</summary>
internal static class KernelStack
{
    public static ulong Bottom => Bottom0();
    public static ulong Top => Top0();

    /// <summary>RSP within 16 KiB below the bottom (the guard area) or below it is an overflow.</summary>
    public static bool IsOverflow(ulong rsp) => rsp < Bottom + 256 && rsp + 16 * 1024 >= Bottom;

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "memos_stack_bottom")]
    private static extern ulong Bottom0();
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "memos_stack_top")]
    private static extern ulong Top0();
}
