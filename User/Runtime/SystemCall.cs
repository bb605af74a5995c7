using System.Runtime;
using System.Runtime.CompilerServices;

namespace MemOS.User.Runtime;

/// <summary>
/// The raw `syscall` instruction (syscall.asm): Linux x86_64 numbers and arguments, the result or -errno in rax.
/// Typed wrappers are in <see cref="Linux"/> and <see cref="MemOSCalls"/>.
/// </summary>
public static unsafe class SystemCall
{
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "memos_syscall")]
    private static extern long Raw(long number, long a1, long a2, long a3, long a4, long a5, long a6);

    public static long Invoke(long number, long a1 = 0, long a2 = 0, long a3 = 0, long a4 = 0, long a5 = 0, long a6 = 0)
        => Raw(number, a1, a2, a3, a4, a5, a6);
}
