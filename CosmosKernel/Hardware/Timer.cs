namespace MemOS.Kernel.Hardware;

/// <summary>
/// Time: the PIT ticks at ~1 kHz for uptime and sleeping; the TSC, calibrated against the PIT at boot, gives
/// nanosecond timestamps (Stopwatch, DateTime arithmetic) between ticks.
/// </summary>
internal static class Timer
{
    private const uint PitFrequency = 1193182;
    private const ushort Divisor = 1193; // ≈ 1000.15 Hz
    private static ulong s_ticks;
    private static ulong s_tscAtBoot, s_tscPerSecond;

    public static ulong Ticks => s_ticks;
    public static ulong TscPerSecond => s_tscPerSecond;

    /// <summary>Uptime from PIT ticks, in milliseconds.</summary>
    public static ulong Milliseconds => s_ticks * Divisor * 1000 / PitFrequency;

    public static void Initialize()
    {
        Cpu.OutB(0x43, 0x34);                 // channel 0, lobyte/hibyte, rate generator
        Cpu.OutB(0x40, (byte)(Divisor & 0xFF));
        Cpu.OutB(0x40, (byte)(Divisor >> 8));
    }

    /// <summary>Counts TSC cycles over 20 PIT ticks (interrupts must be on).</summary>
    public static void CalibrateTsc()
    {
        ulong start = s_ticks;
        while (s_ticks == start) Cpu.WaitForInterrupt();
        ulong tsc0 = Cpu.ReadTsc();
        ulong t0 = s_ticks;
        while (s_ticks < t0 + 20) Cpu.WaitForInterrupt();
        ulong cycles = Cpu.ReadTsc() - tsc0;
        s_tscPerSecond = cycles * PitFrequency / (20UL * Divisor);
        if (s_tscPerSecond == 0) s_tscPerSecond = 1;
        s_tscAtBoot = tsc0 - s_tscPerSecond * Milliseconds / 1000;
    }

    public static long Nanoseconds()
    {
        if (s_tscPerSecond == 0) return (long)(s_ticks * Divisor * 1_000_000_000UL / PitFrequency);
        ulong cycles = Cpu.ReadTsc() - s_tscAtBoot;
        return (long)((System.UInt128)cycles * 1_000_000_000UL / s_tscPerSecond);
    }

    internal static void OnTick() => s_ticks++;

    /// <summary>
    /// Waits on the clock Stopwatch reads (the calibrated TSC), waking on each tick: QEMU may deliver missed PIT
    /// ticks in a burst after the host stalled it, so counting ticks alone can end a sleep early.
    /// </summary>
    public static void Sleep(ulong milliseconds)
    {
        long until = Nanoseconds() + (long)milliseconds * 1_000_000;
        while (Nanoseconds() < until) Cpu.WaitForInterrupt();
    }
}
