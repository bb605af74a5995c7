using System;
using MemOS.Memory.Boot;

namespace MemOS.Kernel.Boot;

/// <summary>
/// The bootloader's structures as the kernel reaches them: through the boot direct map, which covers the first 4 GiB.
/// </summary>
internal sealed unsafe class DirectMapBootMemory : IBootMemory
{
    private const ulong DirectMap = 0xFFFF_8000_0000_0000;
    private const ulong Limit = 0x1_0000_0000;

    public bool Read(ulong physical, Span<byte> destination)
    {
        if (physical >= Limit || (ulong)destination.Length > Limit - physical) return false;
        new ReadOnlySpan<byte>((void*)(DirectMap + physical), destination.Length).CopyTo(destination);
        return true;
    }
}
