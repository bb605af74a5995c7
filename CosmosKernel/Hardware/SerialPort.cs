namespace MemOS.Kernel.Hardware;

/// <summary>
/// COM1 at 115200 8N1 with FIFOs: the console's second screen and keyboard, and the test runner's channel.
/// </summary>
internal static class SerialPort
{
    private const ushort Com1 = 0x3F8;
    private static bool s_present;

    public static void Initialize()
    {
        Cpu.OutB(Com1 + 1, 0x00);    // no interrupts while it is set up
        Cpu.OutB(Com1 + 3, 0x80);    // DLAB on
        Cpu.OutB(Com1 + 0, 0x01);    // divisor 1 = 115200 baud
        Cpu.OutB(Com1 + 1, 0x00);
        Cpu.OutB(Com1 + 3, 0x03);    // 8N1, DLAB off
        Cpu.OutB(Com1 + 2, 0xC7);    // FIFO on, cleared, 14-byte threshold
        Cpu.OutB(Com1 + 4, 0x0B);    // DTR, RTS, OUT2 (OUT2 gates the IRQ line)
        s_present = Cpu.InB(Com1 + 5) != 0xFF;
        // Input is still polled, but a received byte raises IRQ 4, so a halted CPU wakes at once instead of at the
        // next timer tick: otherwise a long pasted line arrives one 16-byte FIFO per millisecond.
        if (s_present) Cpu.OutB(Com1 + 1, 0x01);
    }

    public static void Write(byte value)
    {
        if (!s_present) return;
        for (int spins = 0; (Cpu.InB(Com1 + 5) & 0x20) == 0 && spins < 100000; spins++) Cpu.Pause();
        Cpu.OutB(Com1, value);
    }

    public static void Write(char c)
    {
        if (c == '\n') Write((byte)'\r');
        Write(c < 0x80 ? (byte)c : (byte)'?');
    }

    public static bool TryRead(out byte value)
    {
        if (s_present && (Cpu.InB(Com1 + 5) & 0x01) != 0)
        {
            value = Cpu.InB(Com1);
            return true;
        }
        value = 0;
        return false;
    }
}
