namespace MemOS.Kernel.Hardware;

/// <summary>The 32 x86 exception vectors by mnemonic and name, for panic reports.</summary>
internal static class ExceptionNames
{
    public static string Of(ulong vector) => vector switch
    {
        0 => "#DE divide error", 1 => "#DB debug", 2 => "NMI", 3 => "#BP breakpoint", 4 => "#OF overflow",
        5 => "#BR bound range exceeded", 6 => "#UD invalid opcode", 7 => "#NM device not available",
        8 => "#DF double fault", 9 => "coprocessor segment overrun", 10 => "#TS invalid TSS",
        11 => "#NP segment not present", 12 => "#SS stack-segment fault", 13 => "#GP general protection",
        14 => "#PF page fault", 16 => "#MF x87 floating-point", 17 => "#AC alignment check", 18 => "#MC machine check",
        19 => "#XM SIMD floating-point", 20 => "#VE virtualization", 21 => "#CP control protection",
        28 => "#HV hypervisor injection", 29 => "#VC VMM communication", 30 => "#SX security",
        _ => "reserved exception",
    };
}
