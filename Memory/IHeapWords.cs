namespace MemOS.Memory;

/// <summary>
/// How a heap reads and writes the words of its own memory: plain pointers in the kernel (where the MMU faults on
/// untouched demand pages), or something that walks page tables in software (the simulated machine on the host,
/// another address space's user pages). Not the VMM: it maps nothing, it only reads and writes what is mapped.
/// </summary>
public interface IHeapWords
{
    ulong Read64(VirtualAddress address);
    void Write64(VirtualAddress address, ulong value);
    void Fill(VirtualAddress address, byte value, ulong length);
}
