using System;

namespace MemOS.User.Runtime;

/// <summary>
/// libSystem.Native's mmap/mprotect/munmap for CoreLib (its frozen-object heap reserves address space with them, e.g.
/// for Type objects): the PAL's flag values translated to Linux's and passed to the system calls.
/// </summary>
internal static class PalMemoryMapping
{
    // PAL_MAP_SHARED 1, PAL_MAP_PRIVATE 2, PAL_MAP_ANONYMOUS 0x10; protections have Linux's values (1, 2, 4).
    private const int PalShared = 0x01, PalPrivate = 0x02, PalAnonymous = 0x10, LinuxShared = 0x01;

    internal static IntPtr Map(IntPtr address, ulong length, int protections, int flags, IntPtr fd, long offset)
    {
        if ((flags & ~(PalShared | PalPrivate | PalAnonymous)) != 0) return -1;
        int linux = ((flags & PalShared) != 0 ? LinuxShared : 0) | ((flags & PalPrivate) != 0 ? Linux.MapPrivate : 0)
            | ((flags & PalAnonymous) != 0 ? Linux.MapAnonymous : 0);
        long result = SystemCall.Invoke(Linux.Mmap, address, (long)length, protections & 7, linux, fd, offset);
        return result < 0 ? -1 : (IntPtr)result;
    }

    internal static int Protect(IntPtr address, ulong length, int protections)
        => Linux.Protect((ulong)address, length, protections & 7) < 0 ? -1 : 0;

    internal static int Unmap(IntPtr address, ulong length) => Linux.Unmap((ulong)address, length) < 0 ? -1 : 0;
}
