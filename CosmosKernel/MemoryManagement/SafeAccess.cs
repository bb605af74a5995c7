using System.Runtime;
using System.Runtime.CompilerServices;

namespace MemOS.Kernel.MemoryManagement;

/// <summary>
/// Accesses that may fault without killing the kernel: the page-fault handler resolves what it can (demand, zero
/// page, copy-on-write) and the access completes; a violation resumes at the access's fixup and the call returns
/// false. User addresses are reached with SMAP's AC flag set for the one access.
/// </summary>
internal static unsafe class SafeAccess
{
    private const int FixupCount = 6;
    private const ulong InterruptFlag = 1UL << 9;

    public static bool TryRead8(ulong address, out byte value)
    {
        byte v = 0;
        Enter(address);
        bool ok = SafeRead8(address, &v) == 0;
        Leave(address);
        value = v;
        return ok;
    }

    public static bool TryRead64(ulong address, out ulong value)
    {
        ulong v = 0;
        Enter(address);
        bool ok = SafeRead64(address, &v) == 0;
        Leave(address);
        value = v;
        return ok;
    }

    public static bool TryWrite8(ulong address, byte value)
    {
        Enter(address);
        bool ok = SafeWrite8(address, value) == 0;
        Leave(address);
        return ok;
    }

    public static bool TryWrite64(ulong address, ulong value)
    {
        Enter(address);
        bool ok = SafeWrite64(address, value) == 0;
        Leave(address);
        return ok;
    }

    /// <summary>
    /// Copies bytes between user and kernel memory (one side checked by the caller); false if it faulted.
    /// </summary>
    public static bool TryCopy(ulong destination, ulong source, ulong length)
    {
        if (length == 0) return true;
        KernelProtection.AllowUserAccess();
        bool ok = SafeCopy(destination, source, length) == 0;
        KernelProtection.ForbidUserAccess();
        return ok;
    }

    /// <summary>An instruction fetch at address; only for a page absent or NX, so the fetch faults.</summary>
    public static bool TryExecuteFaulting(ulong address)
    {
        Enter(address);
        bool ok = SafeExecute(address) == 0;
        Leave(address);
        return ok;
    }

    /// <summary>
    /// Executes a ret placed at address (a present, executable page): the byte is written through alias (a writable
    /// mapping of the same frame), called and restored, all with interrupts off. True if the ret ran and returned,
    /// false if the fetch faulted (resumed at the fixup). Refuses (false, ran = false) an address inside the probe's
    /// own code, which the ret would cut short.
    /// </summary>
    public static bool TryExecuteRet(ulong address, ulong alias, out bool ran)
    {
        ran = false;
        if (address >= ExecProbeStart() && address < ExecProbeEnd()) return false;
        bool interrupts = (Hardware.Cpu.ReadFlags() & InterruptFlag) != 0;
        if (interrupts) Hardware.Cpu.DisableInterrupts();
        bool ok = ExecProbe(address, alias) == 0;
        if (interrupts) Hardware.Cpu.EnableInterrupts();
        ran = true;
        return ok;
    }

    /// <summary>The fixup for a fault at rip, if rip is one of the safe accesses (0 otherwise).</summary>
    public static ulong FixupFor(ulong rip)
    {
        ulong* table = FixupTable();
        for (int i = 0; i < FixupCount; i++)
            if (table[2 * i] == rip) return table[2 * i + 1];
        return 0;
    }

    /// <summary>
    /// The return address memos_safe_exec pushes: an instruction-fetch fault with it on top of the stack came from
    /// TryExecuteFaulting.
    /// </summary>
    public static ulong ExecuteReturnAddress => ExecReturn();

    /// <summary>Where a faulting fetch from TryExecuteFaulting resumes.</summary>
    public static ulong ExecuteFixup => FixupFor(ExecReturn());

    private static void Enter(ulong address)
    {
        if (KernelLayout.IsUser(address)) KernelProtection.AllowUserAccess();
    }

    private static void Leave(ulong address)
    {
        if (KernelLayout.IsUser(address)) KernelProtection.ForbidUserAccess();
    }

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "memos_safe_read8")]
    private static extern int SafeRead8(ulong address, byte* value);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "memos_safe_write8")]
    private static extern int SafeWrite8(ulong address, byte value);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "memos_safe_read64")]
    private static extern int SafeRead64(ulong address, ulong* value);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "memos_safe_write64")]
    private static extern int SafeWrite64(ulong address, ulong value);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "memos_safe_exec")]
    private static extern int SafeExecute(ulong address);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "memos_exec_probe")]
    private static extern int ExecProbe(ulong address, ulong alias);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "memos_exec_probe_start_address")]
    private static extern ulong ExecProbeStart();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "memos_exec_probe_end_address")]
    private static extern ulong ExecProbeEnd();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "memos_fixup_table_address")]
    private static extern ulong* FixupTable();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "memos_safe_exec_return_address")]
    private static extern ulong ExecReturn();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "memos_safe_copy")]
    private static extern int SafeCopy(ulong destination, ulong source, ulong length);
}
