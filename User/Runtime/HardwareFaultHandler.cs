using System;
using System.Runtime;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MemOS.Core.Exceptions;

namespace MemOS.User.Runtime;

/// <summary>
/// CPU faults in the program's managed code become exceptions, as in the kernel: at start the runtime registers
/// memos_user_fault_entry (hardware_fault.asm) with memos_fault_handler; the kernel resumes there after an access
/// in the null guard or a #DE, and a fault in managed code is thrown as NullReferenceException or
/// DivideByZeroException by Core's memos_throw_hardware_fault, which the program's own catch can take. A fault
/// elsewhere, or such an exception nobody catches, is given back (memos_fault_unhandled): the kernel kills the
/// process with its segfault line. On Linux the call is ENOSYS and faults stay signals.
/// </summary>
public static unsafe class HardwareFaultHandler
{
    /// <summary>True when the kernel accepted the handler (MemOS); false on Linux.</summary>
    public static bool Registered { get; private set; }

    private static ulong s_lastFaultIp;

    internal static void Register()
        => Registered = SystemCall.Invoke(MemOSCalls.FaultHandler, (long)EntryAddress(), 0) == 0;

    // The entry stub asks: is the faulting instruction in code ilc compiled? Reads tables only: allocates nothing.
    [UnmanagedCallersOnly(EntryPoint = "memos_user_fault_is_managed")]
    private static int IsManaged(ulong ip)
    {
        if (!HardwareFaults.IsManagedCode(ip)) return 0;
        s_lastFaultIp = ip;
        return 1;
    }

    /// <summary>True when <paramref name="exception"/> is what the last handled fault became (its first frame is
    /// the faulting instruction, recorded one byte on).</summary>
    internal static bool CameFromFault(Exception exception)
    {
        if (!Registered || s_lastFaultIp == 0) return false;
        Span<ulong> first = stackalloc ulong[1];
        return ExceptionText.Frames(exception, first) == 1 && first[0] == s_lastFaultIp + 1;
    }

    /// <summary>Hands the last fault back: the kernel kills the process with its segfault line (no return).</summary>
    internal static void GiveBack() => SystemCall.Invoke(MemOSCalls.FaultUnhandled);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "memos_user_fault_entry_address")]
    private static extern void* EntryAddress();
}
