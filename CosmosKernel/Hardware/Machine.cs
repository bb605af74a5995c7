namespace MemOS.Kernel.Hardware;

/// <summary>Power: halt (and leave QEMU through isa-debug-exit with a status), reboot through the 8042.</summary>
internal static class Machine
{
    private const ushort DebugExitPort = 0xF4;

    /// <summary>
    /// Leaves QEMU with exit status (code &lt;&lt; 1) | 1 when isa-debug-exit is present; otherwise halts.
    /// </summary>
    public static void Exit(byte code)
    {
        Cpu.OutB(DebugExitPort, code);
        Cpu.HaltForever();
    }

    public static void PowerOff()
    {
        Cpu.OutB(DebugExitPort, 0);   // QEMU with isa-debug-exit leaves here
        Cpu.OutW(0x604, 0x2000);      // QEMU's ACPI power-off port
        Cpu.HaltForever();            // anything else: the CPU stops
    }

    public static void Reboot()
    {
        Cpu.DisableInterrupts();
        for (int i = 0; i < 100000 && (Cpu.InB(0x64) & 0x02) != 0; i++) Cpu.Pause();
        Cpu.OutB(0x64, 0xFE);      // pulse the reset line
        Cpu.HaltForever();
    }
}
