using MemOS.Kernel.Hardware;
using MemOS.Memory;

namespace MemOS.Kernel.MemoryManagement;

/// <summary>ITlb on the metal: invlpg for one page; a CR3 reload (and a PGE toggle for global pages) for all.</summary>
internal sealed class HardwareTlb : ITlb
{
    public ulong PageInvalidations { get; private set; }
    public ulong FullFlushes { get; private set; }
    /// <summary>The page of the last invlpg executed (what `map` and `unmap` report).</summary>
    public VirtualAddress LastPage { get; private set; }

    public void Invalidate(VirtualAddress page)
    {
        PageInvalidations++;
        LastPage = page;
        Cpu.InvalidatePage(page.Value);
    }

    public void InvalidateAll()
    {
        FullFlushes++;
        ulong cr4 = Cpu.ReadCr4();
        const ulong pge = ControlBits.Cr4GlobalPages;
        if ((cr4 & pge) != 0)
        {
            Cpu.WriteCr4(cr4 & ~pge); // clearing PGE flushes global entries too
            Cpu.WriteCr4(cr4);
        }
        else Cpu.WriteCr3(Cpu.ReadCr3());
    }
}
