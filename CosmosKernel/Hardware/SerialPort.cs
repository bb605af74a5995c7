namespace MemOS.Kernel.Hardware;

/// <summary>
/// COM1 at 115200 8N1 with FIFOs: the console's second screen and keyboard, and the test runner's channel.
/// </summary>
internal static class SerialPort
{
    private const ushort Com1 = 0x3F8;
    private static bool s_present;

    // Bytes typed before Initialize. At reset there is no FIFO: the receiver holds one byte and the next waits until it
    // is read. Turning the FIFO on clears the receiver, which lost the first key typed ahead of the prompt (`uptime`
    // ran as `ptime`). So while bytes keep coming they are read here first (each read lets the next one in; a quiet
    // spell of EarlyPolls status reads ends it), then the FIFO is turned on. Only a byte slower than that spell, or
    // past the buffer, can still be lost.
    private const int EarlyPolls = 2000;
    private static readonly byte[] s_early = new byte[64];
    private static int s_earlyCount, s_earlyNext;

    public static void Initialize()
    {
        // DLAB is 0 at reset: offset 0 is the receiver. 0xFF from the status register means no UART answers.
        for (int quiet = 0; quiet < EarlyPolls && s_earlyCount < s_early.Length; quiet++)
        {
            byte status = Cpu.InB(Com1 + 5);
            if (status == 0xFF || (s_earlyCount == 0 && (status & 0x01) == 0)) break; // nothing typed ahead
            if ((status & 0x01) == 0) continue;
            s_early[s_earlyCount++] = Cpu.InB(Com1);
            quiet = 0;
        }
        Cpu.OutB(Com1 + 2, 0xC1);    // FIFO on, 14-byte threshold; from here on typed-ahead bytes queue in it
        Cpu.OutB(Com1 + 1, 0x00);    // no interrupts while it is set up
        Cpu.OutB(Com1 + 3, 0x80);    // DLAB on
        Cpu.OutB(Com1 + 0, 0x01);    // divisor 1 = 115200 baud
        Cpu.OutB(Com1 + 1, 0x00);
        Cpu.OutB(Com1 + 3, 0x03);    // 8N1, DLAB off
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
        if (s_earlyNext < s_earlyCount)
        {
            value = s_early[s_earlyNext++];
            return true;
        }
        if (s_present && (Cpu.InB(Com1 + 5) & 0x01) != 0)
        {
            value = Cpu.InB(Com1);
            return true;
        }
        value = 0;
        return false;
    }
}
