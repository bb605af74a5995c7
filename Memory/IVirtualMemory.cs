namespace MemOS.Memory;

/// <summary>
/// How a heap reads and writes its own (virtual) memory: plain pointers in the kernel, where the MMU faults
/// on untouched demand pages; a software page walk that faults into the resolver on the host.
/// </summary>
public interface IVirtualMemory
{
    ulong Read64(VirtualAddress address);
    void Write64(VirtualAddress address, ulong value);
    void Fill(VirtualAddress address, byte value, ulong length);
}
