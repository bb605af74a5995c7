using System.Runtime;
using System.Runtime.CompilerServices;

namespace MemOS.Kernel.Hardware;

/// <summary>
/// The IDT: all 256 vectors go to the asm stubs and from there to InterruptDispatcher; #DF uses the IST stack.
/// </summary>
internal static unsafe class Idt
{
    private static ulong* s_table;

    public static void Initialize()
    {
        s_table = (ulong*)Plugs.ManagedAllocator.Allocate(256 * 16, 16);
        ulong* stubs = IsrTable();
        for (int vector = 0; vector < 256; vector++)
        {
            ulong handler = stubs[vector];
            ulong ist = vector is 2 or 8 or 18 ? (ulong)Gdt.DoubleFaultIst : 0; // NMI, #DF, #MC: known-good stack
            // present, DPL 0, 64-bit interrupt gate (interrupts off on entry)
            s_table[vector * 2] = (handler & 0xFFFF) | ((ulong)Gdt.KernelCode << 16) | (ist << 32) | (0x8EUL << 40)
                | (((handler >> 16) & 0xFFFF) << 48);
            s_table[vector * 2 + 1] = handler >> 32;
        }
        byte* pointer = stackalloc byte[10];
        *(ushort*)pointer = 256 * 16 - 1;
        *(ulong*)(pointer + 2) = (ulong)s_table;
        Cpu.LoadIdt(pointer);
    }

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "memos_isr_address_table")]
    private static extern ulong* IsrTable();
}
