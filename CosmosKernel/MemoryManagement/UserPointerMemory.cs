using MemOS.Memory;
using MemOS.Memory.Virtual;

namespace MemOS.Kernel.MemoryManagement;

/// <summary>
/// How the kernel reads and writes user pages for the user heap. The heap's words are user memory, so nothing read
/// there is trusted: an access outside the heap's region is refused (a write is dropped, a read gives 0) and counted,
/// and each access is a SafeAccess one (SMAP's AC flag raised for it), so a page that cannot be backed fails the
/// access instead of the kernel. The heap's own checks then report the corruption; this is the backstop that keeps
/// any link the checks missed from steering a kernel write outside user memory.
/// </summary>
internal sealed class UserPointerMemory(Region region) : IHeapWords
{
    /// <summary>Accesses refused: outside the heap's region, or faulting with no way to back the page.</summary>
    public ulong Refused { get; private set; }

    /// <summary>The first refused address (0 if none).</summary>
    public ulong FirstRefused { get; private set; }

    public ulong Read64(VirtualAddress address)
    {
        if (Inside(address.Value, 8) && SafeAccess.TryRead64(address.Value, out ulong value)) return value;
        Refuse(address.Value);
        return 0;
    }

    public void Write64(VirtualAddress address, ulong value)
    {
        if (!Inside(address.Value, 8) || !SafeAccess.TryWrite64(address.Value, value)) Refuse(address.Value);
    }

    public void Fill(VirtualAddress address, byte value, ulong length)
    {
        if (!Inside(address.Value, length))
        {
            Refuse(address.Value);
            return;
        }
        for (ulong i = 0; i < length; i++)
        {
            if (SafeAccess.TryWrite8(address.Value + i, value)) continue;
            Refuse(address.Value + i);
            return;
        }
    }

    private bool Inside(ulong address, ulong length)
        => address >= region.Base.Value && length <= region.Length
           && address - region.Base.Value <= region.Length - length;

    private void Refuse(ulong address)
    {
        if (Refused++ == 0) FirstRefused = address;
    }
}
