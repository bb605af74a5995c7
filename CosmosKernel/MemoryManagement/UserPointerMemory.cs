using MemOS.Kernel.Hardware;
using MemOS.Memory;

namespace MemOS.Kernel.MemoryManagement;

/// <summary>
/// How the kernel reads and writes user pages for the user heap: plain pointers with SMAP's AC flag raised for
/// each access (stac/clac), so the kernel touches user memory only where it means to.
/// </summary>
internal sealed unsafe class UserPointerMemory(bool smap) : IHeapWords
{
    public ulong Read64(VirtualAddress address)
    {
        if (smap) Cpu.AllowUserAccess();
        ulong value = *(ulong*)address.Value;
        if (smap) Cpu.ForbidUserAccess();
        return value;
    }

    public void Write64(VirtualAddress address, ulong value)
    {
        if (smap) Cpu.AllowUserAccess();
        *(ulong*)address.Value = value;
        if (smap) Cpu.ForbidUserAccess();
    }

    public void Fill(VirtualAddress address, byte value, ulong length)
    {
        if (smap) Cpu.AllowUserAccess();
        System.Runtime.CompilerServices.Unsafe.InitBlockUnaligned((void*)address.Value, value, checked((uint)length));
        if (smap) Cpu.ForbidUserAccess();
    }
}
