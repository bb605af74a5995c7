using System.Runtime.InteropServices;

namespace MemOS.Kernel.Hardware;

/// <summary>
/// Every interrupt arrives here from interrupts.asm. A registered handler may claim the vector (the page-fault
/// handler does, and may rewrite the saved RIP); IRQs are acknowledged; #DE in managed code becomes a
/// DivideByZeroException; any other CPU exception is a panic.
/// Handlers run with interrupts off and must not allocate.
/// </summary>
internal static unsafe class InterruptDispatcher
{
    private static delegate*<InterruptFrame*, bool>* s_handlers;
    private const int DivideError = 0;

    public static void Initialize()
    {
        s_handlers = (delegate*<InterruptFrame*, bool>*)Plugs.ManagedAllocator.Allocate(
            (nuint)(256 * sizeof(nint)), 16);
    }

    /// <summary>Claims a vector: the handler returns true if it dealt with the interrupt.</summary>
    public static void Register(int vector, delegate*<InterruptFrame*, bool> handler) => s_handlers[vector] = handler;

    [UnmanagedCallersOnly(EntryPoint = "memos_interrupt")]
    private static void Dispatch(InterruptFrame* frame)
    {
        int vector = (int)frame->Vector;
        delegate*<InterruptFrame*, bool> handler = s_handlers == null ? null : s_handlers[vector];
        if (handler != null && handler(frame)) return;

        if (vector >= Pic.IrqBase && vector < Pic.IrqBase + 16)
        {
            int irq = vector - Pic.IrqBase;
            if (irq == 0) Timer.OnTick();
            // IRQ 7 and 15 can be spurious: no EOI for a spurious master interrupt
            if (irq != 7) Pic.EndOfInterrupt(irq);
            if (irq == 0 && (frame->Cs & 3) == 3) Processes.Scheduler.Preempt(); // round robin, from ring 3 only
            return;
        }
        if (vector < 32 && Processes.ProcessFaults.TryKill(frame)) return; // a process's fault kills only it
        if (vector == DivideError && ManagedFaults.TryRaise(frame, Core.Exceptions.HardwareFaults.DivideByZero)) return;
        if (vector < 32) Panic.FromException(frame);
        // any other vector (a stray software interrupt) is ignored
    }
}
