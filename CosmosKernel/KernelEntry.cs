using System.Runtime.InteropServices;
using MemOS.Kernel.Hardware;

namespace MemOS.Kernel;

/// <summary>The first C# that runs: boot.asm calls memos_main after CoreLib's modules are initialised.</summary>
internal static unsafe class KernelEntry
{
    [UnmanagedCallersOnly(EntryPoint = "memos_main")]
    private static void Main(uint magic, uint info)
    {
        const ushort com1 = 0x3F8;
        foreach (char c in $"MemOS: hello from C#, magic 0x{magic:x} info 0x{info:x}\n")
        {
            while ((Cpu.InB(com1 + 5) & 0x20) == 0) { }
            Cpu.OutB(com1, (byte)c);
        }
        var list = new System.Collections.Generic.List<string> { "a", "b" };
        foreach (char c in string.Join(",", list) + "\n")
        {
            while ((Cpu.InB(com1 + 5) & 0x20) == 0) { }
            Cpu.OutB(com1, (byte)c);
        }
        Cpu.OutB(0xf4, 0);
    }
}
