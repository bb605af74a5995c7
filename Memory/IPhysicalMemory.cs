namespace MemOS.Memory;

/// <summary>
/// The one way Memory/ reads and writes physical frames: the direct map in the kernel, a block of native
/// memory standing in for RAM on the host. Addresses outside RAM are a caller bug.
/// </summary>
public interface IPhysicalMemory
{
    ulong Read64(PhysicalAddress address);
    void Write64(PhysicalAddress address, ulong value);
    byte Read8(PhysicalAddress address);
    void Write8(PhysicalAddress address, byte value);
    void Zero(PhysicalAddress address, ulong length);
    void Copy(PhysicalAddress destination, PhysicalAddress source, ulong length);
}
