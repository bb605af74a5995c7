using System.Runtime;
using System.Runtime.CompilerServices;

namespace MemOS.Kernel.Hardware;

/// <summary>The CPU instructions C# cannot emit, as plain calls into Hardware/cpu.asm.</summary>
internal static unsafe class Cpu
{
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_inb")]
    public static extern byte InB(ushort port);
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_outb")]
    public static extern void OutB(ushort port, byte value);
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_inw")]
    public static extern ushort InW(ushort port);
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_outw")]
    public static extern void OutW(ushort port, ushort value);
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_ind")]
    public static extern uint InD(ushort port);
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_outd")]
    public static extern void OutD(ushort port, uint value);
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_read_cr0")]
    public static extern ulong ReadCr0();
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_write_cr0")]
    public static extern void WriteCr0(ulong value);
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_read_cr2")]
    public static extern ulong ReadCr2();
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_read_cr3")]
    public static extern ulong ReadCr3();
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_write_cr3")]
    public static extern void WriteCr3(ulong value);
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_read_cr4")]
    public static extern ulong ReadCr4();
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_write_cr4")]
    public static extern void WriteCr4(ulong value);
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_rdmsr")]
    public static extern ulong ReadMsr(uint msr);
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_wrmsr")]
    public static extern void WriteMsr(uint msr, ulong value);
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_cpuid")]
    private static extern void CpuIdRaw(uint leaf, uint subleaf, uint* registers);
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_rdtsc")]
    public static extern ulong ReadTsc();
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_invlpg")]
    public static extern void InvalidatePage(ulong address);
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_hlt")]
    public static extern void Halt();
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_sti")]
    public static extern void EnableInterrupts();
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_cli")]
    public static extern void DisableInterrupts();
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_pause")]
    public static extern void Pause();
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_wait_for_interrupt")]
    public static extern void WaitForInterrupt();
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_stac")]
    public static extern void AllowUserAccess();
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_clac")]
    public static extern void ForbidUserAccess();
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_read_rflags")]
    public static extern ulong ReadFlags();
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_read_rbp")]
    public static extern ulong ReadFramePointer();
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_lgdt")]
    public static extern void LoadGdt(void* pointer, ushort codeSelector, ushort dataSelector);
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_lidt")]
    public static extern void LoadIdt(void* pointer);
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_ltr")]
    public static extern void LoadTaskRegister(ushort selector);
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "memos_halt_forever")]
    public static extern void HaltForever();

    public static (uint Eax, uint Ebx, uint Ecx, uint Edx) CpuId(uint leaf, uint subleaf = 0)
    {
        uint* r = stackalloc uint[4];
        CpuIdRaw(leaf, subleaf, r);
        return (r[0], r[1], r[2], r[3]);
    }
}
