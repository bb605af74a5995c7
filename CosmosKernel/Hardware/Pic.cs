namespace MemOS.Kernel.Hardware;

/// <summary>
/// The two 8259 PICs, remapped to vectors 32–47 so IRQs never look like CPU exceptions. Only the timer and COM1 are
/// unmasked.
/// </summary>
internal static class Pic
{
    public const int IrqBase = 32;

    public static void Initialize()
    {
        Cpu.OutB(0x20, 0x11); Cpu.OutB(0xA0, 0x11);   // init, expect ICW4
        Cpu.OutB(0x21, IrqBase); Cpu.OutB(0xA1, IrqBase + 8);
        Cpu.OutB(0x21, 0x04); Cpu.OutB(0xA1, 0x02);   // cascade on IRQ2
        Cpu.OutB(0x21, 0x01); Cpu.OutB(0xA1, 0x01);   // 8086 mode
        // The timer, and COM1's receive interrupt to wake a halted CPU (the line is read by polling; the dispatcher
        // sends the EOI). The keyboard is polled.
        Cpu.OutB(0x21, 0xEE); Cpu.OutB(0xA1, 0xFF);
    }

    public static void EndOfInterrupt(int irq)
    {
        if (irq >= 8) Cpu.OutB(0xA0, 0x20);
        Cpu.OutB(0x20, 0x20);
    }
}
