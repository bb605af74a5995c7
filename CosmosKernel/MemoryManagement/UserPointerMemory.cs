using MemOS.Memory;

namespace MemOS.Kernel.MemoryManagement;

/// <summary>
/// How the kernel reads and writes user pages for the user heap: plain pointers with SMAP's AC flag raised for
/// each access (stac/clac), so the kernel touches user memory only where it means to.
/// </summary>
internal sealed unsafe class UserPointerMemory : IHeapWords
{
    public ulong Read64(VirtualAddress address)
    {
        KernelProtection.AllowUserAccess();
        ulong value = *(ulong*)address.Value;
        KernelProtection.ForbidUserAccess();
        return value;
    }

    public void Write64(VirtualAddress address, ulong value)
    {
        KernelProtection.AllowUserAccess();
        *(ulong*)address.Value = value;
        KernelProtection.ForbidUserAccess();
    }

    public void Fill(VirtualAddress address, byte value, ulong length)
    {
        KernelProtection.AllowUserAccess();
        System.Runtime.CompilerServices.Unsafe.InitBlockUnaligned((void*)address.Value, value, checked((uint)length));
        KernelProtection.ForbidUserAccess();
    }
}
