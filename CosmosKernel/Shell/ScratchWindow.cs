using MemOS.Kernel.MemoryManagement;

namespace MemOS.Kernel.Shell;

/// <summary>How `map` and `unmap` name the scratch window, the only place they may change by hand.</summary>
internal static class ScratchWindow
{
    public static string Text
        => $"{Format.Hex(KernelLayout.ScratchBase)}-{Format.Hex(KernelLayout.ScratchBase + KernelLayout.ScratchSize)}";
}
