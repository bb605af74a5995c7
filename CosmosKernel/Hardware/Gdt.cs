using System.Runtime.InteropServices;

namespace MemOS.Kernel.Hardware;

/// <summary>
/// The GDT MemOS runs on (kernel and user segments, one TSS) and the TSS whose IST1 stack catches double faults,
/// so even a kernel stack overflow gets a readable report instead of a triple fault.
/// </summary>
internal static unsafe class Gdt
{
    public const ushort KernelCode = 0x08, KernelData = 0x10, UserData = 0x18 | 3, UserCode = 0x20 | 3,
        TaskState = 0x28;
    public const int DoubleFaultIst = 1;
    private const int IstStackSize = 16 * 1024;

    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    private struct TaskStateSegment
    {
        public uint Reserved0;
        public ulong Rsp0, Rsp1, Rsp2;
        public ulong Reserved1;
        public ulong Ist1, Ist2, Ist3, Ist4, Ist5, Ist6, Ist7;
        public ulong Reserved2;
        public ushort Reserved3, IoMapBase;
    }

    private static ulong* s_table;
    private static TaskStateSegment* s_tss;

    public static ulong DoubleFaultStackTop { get; private set; }

    /// <summary>
    /// The stack the CPU switches to on an interrupt from ring 3: the running process's kernel stack.
    /// </summary>
    public static void SetKernelStack(ulong top) => s_tss->Rsp0 = top;

    public static void Initialize()
    {
        // objects never move (no compacting GC), so plain allocations serve as fixed tables
        s_table = (ulong*)Plugs.ManagedAllocator.Allocate(8 * sizeof(ulong), 16);
        s_tss = (TaskStateSegment*)Plugs.ManagedAllocator.Allocate((nuint)sizeof(TaskStateSegment), 16);
        byte* istStack = (byte*)Plugs.ManagedAllocator.Allocate(IstStackSize, 16);
        DoubleFaultStackTop = (ulong)(istStack + IstStackSize);
        s_tss->Ist1 = DoubleFaultStackTop;
        s_tss->IoMapBase = (ushort)sizeof(TaskStateSegment);

        s_table[0] = 0;
        s_table[1] = 0x00AF9A000000FFFF; // kernel code, 64-bit
        s_table[2] = 0x00CF92000000FFFF; // kernel data
        s_table[3] = 0x00CFF2000000FFFF; // user data (DPL 3)
        s_table[4] = 0x00AFFA000000FFFF; // user code, 64-bit (DPL 3)
        ulong tss = (ulong)s_tss;
        ulong limit = (ulong)sizeof(TaskStateSegment) - 1;
        s_table[5] = (limit & 0xFFFF) | ((tss & 0xFFFFFF) << 16) | (0x89UL << 40) | (((limit >> 16) & 0xF) << 48)
            | (((tss >> 24) & 0xFF) << 56);
        s_table[6] = tss >> 32;

        byte* pointer = stackalloc byte[10];
        *(ushort*)pointer = 7 * 8 - 1;
        *(ulong*)(pointer + 2) = (ulong)s_table;
        Cpu.LoadGdt(pointer, KernelCode, KernelData);
        Cpu.LoadTaskRegister(TaskState);
    }
}
