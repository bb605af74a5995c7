namespace MemOS.Kernel.Boot;

/// <summary>
/// Reads multiboot1 (qemu -kernel) and multiboot2 (GRUB) information through the direct map. Every pointer and
/// length is checked before it is followed; a malformed or missing structure becomes a Problem, not a crash.
/// </summary>
internal static unsafe class MultibootParser
{
    public const uint Multiboot1Magic = 0x2BADB002, Multiboot2Magic = 0x36D76289;
    private const ulong DirectMap = 0xFFFF_8000_0000_0000;
    private const ulong Limit = 0x1_0000_0000; // the boot tables map the first 4 GiB
    private const int MaxEntries = 1024;

    public static BootInfo Parse(uint magic, ulong info)
    {
        if (magic == Multiboot1Magic) return ParseMultiboot1(info);
        if (magic == Multiboot2Magic) return ParseMultiboot2(info);
        var unknown = new BootInfo { Protocol = "none" };
        unknown.Problems.Add($"unknown boot magic 0x{magic:x}: no memory map or command line");
        return unknown;
    }

    private static bool Readable(ulong address, ulong length) => address != 0 && address < Limit && length <= Limit - address;
    private static byte* At(ulong physical) => (byte*)(DirectMap + physical);

    private static string CString(ulong address, int max = 4096)
    {
        if (!Readable(address, 1)) return "";
        byte* p = At(address);
        int n = 0;
        while (n < max && address + (ulong)n < Limit && p[n] != 0) n++;
        var chars = new char[n];
        for (int i = 0; i < n; i++) chars[i] = p[i] >= 0x20 && p[i] < 0x7F ? (char)p[i] : '?';
        return new string(chars);
    }

    private static BootInfo ParseMultiboot1(ulong info)
    {
        var boot = new BootInfo { Protocol = "multiboot1" };
        if (!Readable(info, 88)) { boot.Problems.Add($"multiboot1 information pointer 0x{info:x} is not readable"); return boot; }
        byte* p = At(info);
        uint flags = *(uint*)p;
        if ((flags & (1 << 2)) != 0) boot.CommandLine = CString(*(uint*)(p + 16));
        if ((flags & (1 << 9)) != 0) boot.BootloaderName = CString(*(uint*)(p + 64));
        if ((flags & (1 << 3)) != 0)
        {
            uint count = *(uint*)(p + 20), address = *(uint*)(p + 24);
            if (count > MaxEntries || !Readable(address, count * 16UL)) boot.Problems.Add($"module list ({count} at 0x{address:x}) is not readable");
            else for (uint i = 0; i < count; i++)
            {
                uint* m = (uint*)At(address + i * 16UL);
                AddModule(boot, m[0], m[1], CString(m[2]));
            }
        }
        if ((flags & (1 << 6)) == 0) { boot.Problems.Add("the bootloader gave no memory map"); return boot; }
        uint length = *(uint*)(p + 44), map = *(uint*)(p + 48);
        if (!Readable(map, length)) { boot.Problems.Add($"memory map at 0x{map:x} ({length} bytes) is not readable"); return boot; }
        ulong offset = 0;
        while (offset + 24 <= length && boot.MemoryMap.Count < MaxEntries)
        {
            byte* e = At(map + offset);
            uint size = *(uint*)e;
            if (size < 20) { boot.Problems.Add($"memory map entry at +{offset} has size {size} (< 20): map truncated there"); break; }
            boot.MemoryMap.Add(new BootMemoryEntry(*(ulong*)(e + 4), *(ulong*)(e + 12), *(uint*)(e + 20)));
            offset += size + 4UL;
        }
        if (boot.MemoryMap.Count == 0) boot.Problems.Add("the memory map is empty");
        return boot;
    }

    private static BootInfo ParseMultiboot2(ulong info)
    {
        var boot = new BootInfo { Protocol = "multiboot2" };
        if (!Readable(info, 16) || (info & 7) != 0) { boot.Problems.Add($"multiboot2 information pointer 0x{info:x} is not readable"); return boot; }
        uint total = *(uint*)At(info);
        if (total < 16 || total > 1024 * 1024 || !Readable(info, total)) { boot.Problems.Add($"multiboot2 information size {total} is implausible"); return boot; }
        bool sawMap = false;
        ulong offset = 8;
        while (offset + 8 <= total)
        {
            byte* tag = At(info + offset);
            uint type = *(uint*)tag, size = *(uint*)(tag + 4);
            if (type == 0) break;
            if (size < 8 || offset + size > total) { boot.Problems.Add($"multiboot2 tag {type} at +{offset} has bad size {size}: rest ignored"); break; }
            switch (type)
            {
                case 1: boot.CommandLine = CString(info + offset + 8, (int)size - 8); break;
                case 2: boot.BootloaderName = CString(info + offset + 8, (int)size - 8); break;
                case 3:
                    if (size >= 16) AddModule(boot, *(uint*)(tag + 8), *(uint*)(tag + 12), CString(info + offset + 16, (int)size - 16));
                    break;
                case 6:
                    sawMap = true;
                    uint entrySize = *(uint*)(tag + 8);
                    if (entrySize < 24 || entrySize > 256) { boot.Problems.Add($"memory map entry size {entrySize} is implausible"); break; }
                    for (ulong e = 16; e + entrySize <= size && boot.MemoryMap.Count < MaxEntries; e += entrySize)
                        boot.MemoryMap.Add(new BootMemoryEntry(*(ulong*)(tag + e), *(ulong*)(tag + e + 8), *(uint*)(tag + e + 16)));
                    break;
            }
            offset += (size + 7UL) & ~7UL;
        }
        if (!sawMap) boot.Problems.Add("the bootloader gave no memory map");
        else if (boot.MemoryMap.Count == 0) boot.Problems.Add("the memory map is empty");
        return boot;
    }

    private static void AddModule(BootInfo boot, uint start, uint end, string name)
    {
        if (end < start) boot.Problems.Add($"module '{name}' ends (0x{end:x}) before it starts (0x{start:x}): ignored");
        else boot.Modules.Add(new BootModule(start, end, name));
    }
}
