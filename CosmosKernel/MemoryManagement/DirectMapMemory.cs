using MemOS.Memory;

namespace MemOS.Kernel.MemoryManagement;

/// <summary>IPhysicalMemory on the metal: every frame is reached through the direct map (KernelLayout).</summary>
internal sealed unsafe class DirectMapMemory : IPhysicalMemory
{
    private static byte* At(PhysicalAddress a) => (byte*)(KernelLayout.DirectMapBase + a.Value);

    public ulong Read64(PhysicalAddress address) => *(ulong*)At(address);
    public void Write64(PhysicalAddress address, ulong value) => *(ulong*)At(address) = value;
    public byte Read8(PhysicalAddress address) => *At(address);
    public void Write8(PhysicalAddress address, byte value) => *At(address) = value;
    public void Zero(PhysicalAddress address, ulong length)
        => System.Runtime.CompilerServices.Unsafe.InitBlockUnaligned(At(address), 0, checked((uint)length));

    public void Copy(PhysicalAddress destination, PhysicalAddress source, ulong length)
        => System.Buffer.MemoryCopy(At(source), At(destination), (long)length, (long)length);
}
