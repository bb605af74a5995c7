namespace MemOS.Core.Exceptions;

/// <summary>The state one frame is unwound from and to: where it executes, its stack pointer and the
/// callee-saved registers (the only ones that survive a call, so the only ones an unwinder can recover).</summary>
internal struct FrameRegisters
{
    public ulong Ip;
    public ulong Sp;
    public ulong Rbx;
    public ulong Rbp;
    public ulong R12;
    public ulong R13;
    public ulong R14;
    public ulong R15;
}
