using MemOS.Core.Exceptions;

namespace MemOS.Kernel.Hardware;

/// <summary>
/// A CPU fault raised by kernel managed code becomes a C# exception (null guard → NullReferenceException, #DE →
/// DivideByZeroException): the interrupted context is rewritten to resume at Core's throw entry. A fault in asm,
/// in user mode (the process code's business) or in the stack's guard page is not converted: the caller's oops
/// or panic stays.
/// </summary>
internal static unsafe class ManagedFaults
{
    public static bool TryRaise(InterruptFrame* frame, uint code)
    {
        if ((frame->Cs & 3) != 0) return false;
        if (!HardwareFaults.IsManagedCode(frame->Rip)) return false;
        if (KernelStack.IsOverflow(frame->Rsp)) return false;
        frame->Rdi = code;
        frame->Rsi = frame->Rip;
        frame->Rip = HardwareFaults.ThrowEntry;
        return true;
    }
}
