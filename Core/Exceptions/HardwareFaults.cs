using System.Runtime;
using System.Runtime.CompilerServices;

namespace MemOS.Core.Exceptions;

/// <summary>
/// How a CPU fault in managed code becomes an exception: the fault handler checks the faulting RIP is managed code
/// and rewrites the interrupted context to resume at memos_throw_hardware_fault with the fault's code, which
/// captures the faulting context and hands it to CoreLib's RhThrowHwEx (it picks NullReferenceException,
/// DivideByZeroException…). The kernel and a user runtime both use this; neither needs to know the dispatcher.
/// </summary>
public static unsafe class HardwareFaults
{
    /// <summary>An access in the null guard (NullReferenceException).</summary>
    public const uint NullReference = 0x00000000;
    /// <summary>#DE (DivideByZeroException).</summary>
    public const uint DivideByZero = 0xC0000094;

    /// <summary>True when ip is in code ilc compiled (a managed method or funclet).</summary>
    public static bool IsManagedCode(ulong ip) => ManagedCode.Find(ip, out _);

    /// <summary>The start of the managed method holding ip, or 0.</summary>
    public static ulong MethodStart(ulong ip) => ManagedCode.Find(ip, out ManagedCode code) ? code.MethodStart : 0;

    /// <summary>Where the interrupted context resumes to raise the exception: rdi = code, rsi = faulting RIP,
    /// rsp and the callee-saved registers unchanged.</summary>
    public static ulong ThrowEntry => (ulong)ThrowEntryAddress();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "memos_throw_hardware_fault_address")]
    private static extern void* ThrowEntryAddress();
}
