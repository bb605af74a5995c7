using MemOS.Kernel.MemoryManagement;
using MemOS.Memory.Programs;

namespace MemOS.Kernel.Processes;

/// <summary>
/// The only way system calls touch a process's memory: the range is checked (no overflow, inside user space, so
/// canonical and never the kernel half), then copied with SMAP's AC raised under the fault fixup. A page the
/// process may not access, or a hole, ends the copy with false: the call returns EFAULT, the kernel carries on.
/// </summary>
internal static unsafe class UserMemory
{
    /// <summary>[address, address + length) lies inside user space (length 0 is always fine).</summary>
    public static bool IsUserRange(ulong address, ulong length)
        => length == 0 || (address < ElfImage.UserEnd && length <= ElfImage.UserEnd - address);

    public static bool CopyIn(void* destination, ulong source, ulong length)
        => IsUserRange(source, length) && SafeAccess.TryCopy((ulong)destination, source, length);

    public static bool CopyOut(ulong destination, void* source, ulong length)
        => IsUserRange(destination, length) && SafeAccess.TryCopy(destination, (ulong)source, length);

    public static bool Read64(ulong address, out ulong value)
    {
        ulong v = 0;
        bool ok = CopyIn(&v, address, 8);
        value = v;
        return ok;
    }

    public static bool Write64(ulong address, ulong value) => CopyOut(address, &value, 8);

    /// <summary>
    /// A NUL-terminated string of at most max bytes (ASCII shown as is); null if unreadable or too long.
    /// </summary>
    public static string? ReadString(ulong address, int max)
    {
        var chars = new char[max];
        byte b;
        for (int i = 0; i < max; i++)
        {
            if (!CopyIn(&b, address + (ulong)i, 1)) return null;
            if (b == 0) return new string(chars, 0, i);
            chars[i] = (char)b;
        }
        return null;
    }
}
