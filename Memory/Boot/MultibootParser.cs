using System;

namespace MemOS.Memory.Boot;

/// <summary>
/// Reads multiboot1 (qemu -kernel) and multiboot2 (GRUB) information: command line, bootloader name, memory map,
/// modules and framebuffer. Every pointer and length is checked before it is followed, through IBootMemory (the
/// direct map in the kernel, a byte array in the tests); a malformed, truncated or missing structure becomes a
/// Problem, not a crash.
/// </summary>
public static class MultibootParser
{
    public const uint Multiboot1Magic = 0x2BADB002, Multiboot2Magic = 0x36D76289;
    private const int MaxEntries = 1024, MaxModules = 64, MaxString = 4096;
    private const uint MaxInfoSize = 1024 * 1024;

    public static BootInfo Parse(uint magic, ulong info, IBootMemory memory)
    {
        if (magic == Multiboot1Magic) return ParseMultiboot1(info, memory);
        if (magic == Multiboot2Magic) return ParseMultiboot2(info, memory);
        var unknown = new BootInfo { Protocol = "none" };
        unknown.Problems.Add($"unknown boot magic 0x{magic:x}: no memory map or command line");
        return unknown;
    }

    private static bool U32(IBootMemory m, ulong at, out uint value)
    {
        Span<byte> b = stackalloc byte[4];
        bool ok = at != 0 && m.Read(at, b);
        value = ok ? (uint)(b[0] | b[1] << 8 | b[2] << 16 | b[3] << 24) : 0;
        return ok;
    }

    private static bool U64(IBootMemory m, ulong at, out ulong value)
    {
        bool ok = U32(m, at, out uint lo) & U32(m, at + 4, out uint hi);
        value = lo | (ulong)hi << 32;
        return ok;
    }

    // A NUL-terminated string of at most max bytes (unprintable bytes shown as '?'); "" when unreadable.
    private static string CString(IBootMemory m, ulong address, int max = MaxString)
    {
        if (address == 0 || max <= 0) return "";
        var chars = new char[Math.Min(max, MaxString)];
        Span<byte> b = stackalloc byte[1];
        int n = 0;
        while (n < chars.Length && m.Read(address + (ulong)n, b) && b[0] != 0)
        {
            chars[n] = b[0] >= 0x20 && b[0] < 0x7F ? (char)b[0] : '?';
            n++;
        }
        return new string(chars, 0, n);
    }

    private static BootInfo ParseMultiboot1(ulong info, IBootMemory m)
    {
        var boot = new BootInfo { Protocol = "multiboot1" };
        var header = new byte[88];
        if (info == 0 || !m.Read(info, header))
        {
            boot.Problems.Add($"multiboot1 information pointer 0x{info:x} is not readable");
            return boot;
        }
        uint Field(int at) => (uint)(header[at] | header[at + 1] << 8 | header[at + 2] << 16 | header[at + 3] << 24);
        uint flags = Field(0);
        if ((flags & (1 << 2)) != 0) boot.CommandLine = CString(m, Field(16));
        if ((flags & (1 << 9)) != 0) boot.BootloaderName = CString(m, Field(64));
        if ((flags & (1 << 12)) != 0)
        {
            var video = new byte[28];
            if (m.Read(info + 88, video)) AddFramebuffer(boot, video, 0, 22);
            else boot.Problems.Add("multiboot1 framebuffer fields are not readable");
        }
        if ((flags & (1 << 3)) != 0)
        {
            uint count = Field(20), address = Field(24);
            if (count > MaxModules)
                boot.Problems.Add($"module list claims {count} modules (more than {MaxModules}): ignored");
            else
                for (uint i = 0; i < count; i++)
                {
                    ulong at = address + i * 16UL;
                    if (!U32(m, at, out uint start) || !U32(m, at + 4, out uint end) || !U32(m, at + 8, out uint name))
                    { boot.Problems.Add($"module list ({count} at 0x{address:x}) is not readable"); break; }
                    AddModule(boot, start, end, CString(m, name));
                }
        }
        if ((flags & (1 << 6)) == 0) { boot.Problems.Add("the bootloader gave no memory map"); return boot; }
        uint length = Field(44), map = Field(48);
        if (length > MaxInfoSize)
        {
            boot.Problems.Add($"memory map at 0x{map:x} claims {length} bytes: ignored");
            return boot;
        }
        ulong offset = 0;
        while (offset + 24 <= length && boot.MemoryMap.Count < MaxEntries)
        {
            ulong e = map + offset;
            if (!U32(m, e, out uint size) || !U64(m, e + 4, out ulong baseAddress) || !U64(m, e + 12, out ulong len)
                || !U32(m, e + 20, out uint type))
            { boot.Problems.Add($"memory map at 0x{map:x} ({length} bytes) is not readable at +{offset}"); break; }
            if (size < 20)
            {
                boot.Problems.Add($"memory map entry at +{offset} has size {size} (< 20): map truncated there");
                break;
            }
            boot.MemoryMap.Add(new BootMemoryEntry(baseAddress, len, type));
            offset += size + 4UL;
        }
        if (boot.MemoryMap.Count == 0) boot.Problems.Add("the memory map is empty");
        return boot;
    }

    private static BootInfo ParseMultiboot2(ulong info, IBootMemory m)
    {
        var boot = new BootInfo { Protocol = "multiboot2" };
        if ((info & 7) != 0 || !U32(m, info, out uint total))
        {
            boot.Problems.Add($"multiboot2 information pointer 0x{info:x} is not readable");
            return boot;
        }
        if (total < 16 || total > MaxInfoSize || !m.Read(info + total - 1, stackalloc byte[1]))
        {
            boot.Problems.Add($"multiboot2 information size {total} is implausible");
            return boot;
        }
        bool sawMap = false, sawEnd = false;
        ulong offset = 8;
        while (offset + 8 <= total)
        {
            ulong tag = info + offset;
            U32(m, tag, out uint type);
            U32(m, tag + 4, out uint size);
            if (type == 0) { sawEnd = true; break; }
            if (size < 8 || size > total - offset)
            {
                boot.Problems.Add($"multiboot2 tag {type} at +{offset} has bad size {size}: rest ignored");
                break;
            }
            switch (type)
            {
                case 1: boot.CommandLine = CString(m, tag + 8, (int)size - 8); break;
                case 2: boot.BootloaderName = CString(m, tag + 8, (int)size - 8); break;
                case 3:
                    if (size < 17)
                    {
                        boot.Problems.Add($"module tag at +{offset} is {size} bytes (< 17): ignored");
                        break;
                    }
                    if (boot.Modules.Count >= MaxModules)
                    {
                        boot.Problems.Add($"more than {MaxModules} modules: the rest ignored");
                        break;
                    }
                    U32(m, tag + 8, out uint start);
                    U32(m, tag + 12, out uint end);
                    AddModule(boot, start, end, CString(m, tag + 16, (int)size - 16));
                    break;
                case 6:
                    sawMap = true;
                    U32(m, tag + 8, out uint entrySize);
                    if (entrySize < 24 || entrySize > 256)
                    {
                        boot.Problems.Add($"memory map entry size {entrySize} is implausible");
                        break;
                    }
                    for (ulong e = 16; e + entrySize <= size && boot.MemoryMap.Count < MaxEntries; e += entrySize)
                    {
                        U64(m, tag + e, out ulong baseAddress);
                        U64(m, tag + e + 8, out ulong len);
                        U32(m, tag + e + 16, out uint t);
                        boot.MemoryMap.Add(new BootMemoryEntry(baseAddress, len, t));
                    }
                    break;
                case 8:
                    // common part (32 bytes, as GRUB lays it out) and, for direct colour, six bytes of channel info
                    var video = new byte[30];
                    if (size < 32 || !m.Read(tag + 8, video.AsSpan(0, size >= 38 ? 30 : 24)))
                    {
                        boot.Problems.Add($"framebuffer tag at +{offset} is {size} bytes (< 32): ignored");
                        break;
                    }
                    AddFramebuffer(boot, video, 0, size >= 38 ? 24 : -1);
                    break;
                // other tags (ELF sections, ACPI, ...) are not needed: skipped by their size
            }
            offset += (size + 7UL) & ~7UL;
        }
        if (!sawEnd) boot.Problems.Add("multiboot2 information has no end tag: parsed up to its size");
        if (!sawMap) boot.Problems.Add("the bootloader gave no memory map");
        else if (boot.MemoryMap.Count == 0) boot.Problems.Add("the memory map is empty");
        return boot;
    }

    // Fields from `at`: address u64, pitch, width, height u32, bpp u8, type u8; colour info (six bytes: position and
    // size of red, green, blue) at colourAt, or none when colourAt < 0.
    private static void AddFramebuffer(BootInfo boot, byte[] f, int at, int colourAt)
    {
        uint U(int i) => (uint)(f[i] | f[i + 1] << 8 | f[i + 2] << 16 | f[i + 3] << 24);
        ulong address = U(at) | (ulong)U(at + 4) << 32;
        uint pitch = U(at + 8), width = U(at + 12), height = U(at + 16);
        byte bpp = f[at + 20], type = f[at + 21];
        bool colour = colourAt >= 0 && type == BootFramebuffer.DirectColourType;
        var fb = new BootFramebuffer(address, pitch, width, height, bpp, type,
            colour ? f[colourAt] : (byte)0, colour ? f[colourAt + 1] : (byte)0,
            colour ? f[colourAt + 2] : (byte)0, colour ? f[colourAt + 3] : (byte)0,
            colour ? f[colourAt + 4] : (byte)0, colour ? f[colourAt + 5] : (byte)0);
        bool text = type == BootFramebuffer.TextType;
        ulong rowBytes = text ? width * 2UL : (width * (ulong)bpp + 7) / 8;
        if (width == 0 || height == 0 || width > 16384 || height > 16384 || (!text && (bpp == 0 || bpp > 32))
            || pitch < rowBytes || address == 0 || address > ulong.MaxValue - fb.Size || (address & 0xFFF) != 0)
        {
            boot.Problems.Add($"framebuffer {fb} is implausible: ignored");
            return;
        }
        boot.Framebuffer = fb;
    }

    private static void AddModule(BootInfo boot, uint start, uint end, string name)
    {
        if (end < start)
        {
            boot.Problems.Add($"module '{name}' ends (0x{end:x}) before it starts (0x{start:x}): ignored");
            return;
        }
        if (end == start) { boot.Problems.Add($"module '{name}' at 0x{start:x} is empty: ignored"); return; }
        foreach (BootModule other in boot.Modules)
            if (start < other.End && other.Start < end)
            {
                boot.Problems.Add($"module '{name}' [0x{start:x}, 0x{end:x}) overlaps module '{other.Name}': ignored");
                return;
            }
        boot.Modules.Add(new BootModule(start, end, name));
    }
}
