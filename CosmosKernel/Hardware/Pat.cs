namespace MemOS.Kernel.Hardware;

/// <summary>
/// The page attribute table (IA32_PAT, MSR 0x277): eight memory types a page picks with its PAT, PCD and PWT bits
/// (index = PAT·4 + PCD·2 + PWT). At reset entry 1 (PWT alone) is write-through; MemOS makes it write-combining, the
/// type for a framebuffer: writes are gathered into bursts instead of one uncached bus write per store. Nothing is
/// mapped with PWT alone before this runs, so no cached line or TLB entry holds the old type.
/// </summary>
internal static class Pat
{
    private const uint Msr = 0x277;
    private const int Entry = 1;
    private const ulong WriteCombining = 0x01, TypeMask = 0x07;

    /// <summary>True once entry 1 is write-combining (the CPU has PAT and the MSR reads it back).</summary>
    public static bool WriteCombiningReady { get; private set; }

    /// <summary>The MSR as read after setup (for the boot log and docs); 0 without PAT.</summary>
    public static ulong Value { get; private set; }

    /// <summary>Sets entry 1 to write-combining when the CPU has PAT; otherwise leaves the default.</summary>
    public static void EnableWriteCombining(CpuFeatures cpu)
    {
        if (!cpu.Pat) return;
        ulong value = Cpu.ReadMsr(Msr);
        value = (value & ~(TypeMask << (Entry * 8))) | (WriteCombining << (Entry * 8));
        Cpu.WriteMsr(Msr, value);
        Cpu.WriteCr3(Cpu.ReadCr3()); // no mapping uses entry 1 yet; reload anyway so no old type lingers
        Value = Cpu.ReadMsr(Msr);
        WriteCombiningReady = ((Value >> (Entry * 8)) & TypeMask) == WriteCombining;
    }

    /// <summary>What entry 1 means now, for the boot log.</summary>
    public static string Describe()
        => WriteCombiningReady ? $"write-combining (PAT entry 1, IA32_PAT 0x{Value:x16})"
            : "uncached (the CPU has no PAT)";
}
