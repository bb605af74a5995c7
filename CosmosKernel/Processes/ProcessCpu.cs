using System.Runtime;
using System.Runtime.CompilerServices;
using MemOS.Kernel.Hardware;

namespace MemOS.Kernel.Processes;

/// <summary>
/// The CPU state ring 3 needs: EFER.SCE and the syscall MSRs (STAR, LSTAR, FMASK), and the globals process.asm
/// reads on every entry and exit (the running process's kernel stack top, the kernel's and the process's FS base).
/// </summary>
internal static unsafe class ProcessCpu
{
    private const uint Efer = 0xC000_0080, Star = 0xC000_0081, Lstar = 0xC000_0082, Fmask = 0xC000_0084;
    private const uint FsBaseMsr = 0xC000_0100;
    private const ulong EferSyscall = 1;
    // FMASK: IF, TF, DF, AC, NT and IOPL cleared on every syscall (the kernel starts with interrupts off,
    // no single-step, forward string ops, SMAP enforced, no nested task, IOPL 0)
    public const ulong SyscallMask = (1UL << 9) | (1UL << 8) | (1UL << 10) | (1UL << 18) | (1UL << 14) | (3UL << 12);

    private static ulong* s_globals;

    public static ulong StartAddress => s_globals[3];
    public static ulong UserIretAddress => s_globals[4];
    public static ulong SyscallIretAddress => s_globals[5];

    public static void Initialize()
    {
        s_globals = Globals();
        s_globals[1] = Cpu.ReadMsr(FsBaseMsr); // the kernel's TLS block, set by boot.asm
        Cpu.WriteMsr(Efer, Cpu.ReadMsr(Efer) | EferSyscall);
        // sysret: CS = base + 16, SS = base + 8 (RPL 3) → 0x23 and 0x1b; syscall: CS = 0x08, SS = 0x10
        ulong userBase = (ulong)(Gdt.KernelData | 3);
        Cpu.WriteMsr(Star, (userBase << 48) | ((ulong)Gdt.KernelCode << 32));
        Cpu.WriteMsr(Lstar, s_globals[6]);
        Cpu.WriteMsr(Fmask, SyscallMask);
    }

    /// <summary>What the next entry from ring 3 uses: the process's kernel stack top (syscall and TSS.RSP0).</summary>
    public static void SetKernelStack(ulong top)
    {
        s_globals[0] = top;
        Gdt.SetKernelStack(top);
    }

    /// <summary>The running process's FS base as last saved on entry (or set by arch_prctl).</summary>
    public static ulong UserFsBase
    {
        get => s_globals[2];
        set => s_globals[2] = value;
    }

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "memos_process_globals")]
    private static extern ulong* Globals();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "memos_switch")]
    public static extern void Switch(ulong* saveRsp, ulong newRsp);
}
