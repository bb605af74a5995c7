using System.Runtime.InteropServices;

namespace MemOS.Kernel.Hardware;

/// <summary>
/// What interrupts.asm saved: the general registers (r15 pushed last), vector, error code, then the CPU's frame.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct InterruptFrame
{
    public ulong R15, R14, R13, R12, R11, R10, R9, R8, Rbp, Rdi, Rsi, Rdx, Rcx, Rbx, Rax;
    public ulong Vector, ErrorCode;
    public ulong Rip, Cs, Rflags, Rsp, Ss;
}
