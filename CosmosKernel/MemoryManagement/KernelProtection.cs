using MemOS.Kernel.Hardware;

namespace MemOS.Kernel.MemoryManagement;

/// <summary>
/// The protections the kernel turns on when it switches to its own page tables, and the one place that says
/// whether SMAP and SMEP are on: CR0.WP and CR4.PGE always, CR4.SMEP and CR4.SMAP where the CPU has them. Code that
/// must reach a user page on purpose opens SMAP's window (EFLAGS.AC) around that access only.
/// </summary>
internal static class KernelProtection
{
    /// <summary>CR4.SMAP is on: a kernel access to a user page faults unless EFLAGS.AC is set.</summary>
    public static bool Smap { get; private set; }

    /// <summary>CR4.SMEP is on: the kernel cannot execute a user page.</summary>
    public static bool Smep { get; private set; }

    public static void TurnOn(CpuFeatures cpu)
    {
        Cpu.WriteCr0(Cpu.ReadCr0() | ControlBits.Cr0WriteProtect);
        ulong cr4 = Cpu.ReadCr4() | ControlBits.Cr4GlobalPages;
        Smep = cpu.Smep;
        Smap = cpu.Smap;
        if (Smep) cr4 |= ControlBits.Cr4Smep;
        if (Smap) cr4 |= ControlBits.Cr4Smap;
        Cpu.WriteCr4(cr4);
    }

    /// <summary>Lets the next accesses reach user pages (stac); without SMAP there is nothing to open.</summary>
    public static void AllowUserAccess()
    {
        if (Smap) Cpu.AllowUserAccess();
    }

    /// <summary>Closes the window AllowUserAccess opened (clac).</summary>
    public static void ForbidUserAccess()
    {
        if (Smap) Cpu.ForbidUserAccess();
    }
}
