using System.Collections.Generic;

namespace MemOS.Memory.Programs;

/// <summary>
/// A static x86_64 executable (ELF64, ET_EXEC) checked for loading into a user address space: its PT_LOAD segments,
/// the entry point, the program headers' place (for AT_PHDR) and the TLS template. Nothing is trusted: every offset,
/// size and address is checked, so a malformed file is an error message, never a wild read or a kernel mapping.
/// </summary>
public sealed class ElfImage
{
    public const ulong UserStart = 0x1_0000;
    /// <summary>
    /// User space ends one page below 2^47 (as Linux's TASK_SIZE), so no user RIP is ever non-canonical.
    /// </summary>
    public const ulong UserEnd = 0x7FFF_FFFF_F000;
    private const int MaxSegments = 32;
    private const uint PtLoad = 1, PtTls = 7;

    private ElfImage(ulong entry, ulong programHeaderOffset, int programHeaderCount, List<ElfSegment> segments,
        ElfSegment? tls)
    {
        Entry = entry;
        ProgramHeaderOffset = programHeaderOffset;
        ProgramHeaderCount = programHeaderCount;
        Segments = segments;
        Tls = tls;
    }

    public ulong Entry { get; }
    public ulong ProgramHeaderOffset { get; }
    public int ProgramHeaderCount { get; }
    public List<ElfSegment> Segments { get; }
    public ElfSegment? Tls { get; }

    /// <summary>
    /// The program headers' virtual address (AT_PHDR): where the segment holding them maps that file offset; 0 if none
    /// does.
    /// </summary>
    public ulong ProgramHeaderAddress
    {
        get
        {
            ulong end = ProgramHeaderOffset + (ulong)ProgramHeaderCount * 56;
            foreach (ElfSegment s in Segments)
                if (ProgramHeaderOffset >= s.FileOffset && end <= s.FileOffset + s.FileSize)
                    return s.VirtualAddress + (ProgramHeaderOffset - s.FileOffset);
            return 0;
        }
    }

    /// <summary>Parses and checks; on failure returns null and says why.</summary>
    public static ElfImage? Parse(System.ReadOnlySpan<byte> file, out string error)
    {
        error = "";
        if (file.Length < 64) { error = $"too short for an ELF header ({file.Length} bytes)"; return null; }
        if (file[0] != 0x7F || file[1] != (byte)'E' || file[2] != (byte)'L' || file[3] != (byte)'F')
        {
            error = "not an ELF file (bad magic)";
            return null;
        }
        if (file[4] != 2) { error = "not a 64-bit ELF"; return null; }
        if (file[5] != 1) { error = "not little-endian"; return null; }
        if (file[6] != 1) { error = $"unknown ELF version {file[6]}"; return null; }
        ushort type = U16(file, 16), machine = U16(file, 18);
        if (type != 2)
        {
            error = type == 3 ? "a position-independent executable (ET_DYN): MemOS loads static ET_EXEC files only"
                : $"not an executable (e_type {type})";
            return null;
        }
        if (machine != 62) { error = $"not x86_64 (e_machine {machine})"; return null; }
        ulong entry = U64(file, 24), phoff = U64(file, 32);
        ushort phentsize = U16(file, 54), phnum = U16(file, 56);
        if (phentsize != 56) { error = $"program header size {phentsize} (expected 56)"; return null; }
        if (phnum == 0 || phnum > MaxSegments * 2) { error = $"{phnum} program headers"; return null; }
        if (phoff > (ulong)file.Length || (ulong)phnum * 56 > (ulong)file.Length - phoff)
        {
            error = "program headers lie outside the file";
            return null;
        }

        var segments = new List<ElfSegment>();
        ElfSegment? tls = null;
        for (int i = 0; i < phnum; i++)
        {
            int h = (int)phoff + i * 56;
            uint ptype = U32(file, h), flags = U32(file, h + 4);
            if (ptype != PtLoad && ptype != PtTls) continue;
            var s = new ElfSegment(U64(file, h + 16), U64(file, h + 40), U64(file, h + 8), U64(file, h + 32),
                (flags & 4) != 0, (flags & 2) != 0, (flags & 1) != 0);
            if (s.FileSize > s.MemorySize)
            {
                error = $"segment {i}: file size 0x{s.FileSize:x} > memory size 0x{s.MemorySize:x}";
                return null;
            }
            if (s.FileOffset > (ulong)file.Length || s.FileSize > (ulong)file.Length - s.FileOffset)
            {
                error = $"segment {i}: bytes 0x{s.FileOffset:x}+0x{s.FileSize:x} lie outside the file";
                return null;
            }
            if (ptype == PtTls) { tls = s; continue; }
            if (s.MemorySize == 0) continue;
            if (segments.Count == MaxSegments) { error = $"more than {MaxSegments} loadable segments"; return null; }
            if ((s.VirtualAddress & 0xFFF) != (s.FileOffset & 0xFFF))
            {
                error = $"segment {i}: address 0x{s.VirtualAddress:x} and file offset 0x{s.FileOffset:x} "
                    + "differ within a page";
                return null;
            }
            if (s.VirtualAddress < UserStart || s.VirtualAddress >= UserEnd
                || s.MemorySize > UserEnd - s.VirtualAddress)
            {
                error = $"segment {i}: 0x{s.VirtualAddress:x}+0x{s.MemorySize:x} is outside user space "
                    + $"[0x{UserStart:x}, 0x{UserEnd:x})";
                return null;
            }
            foreach (ElfSegment other in segments)
                if (s.PageStart < other.PageEnd && other.PageStart < s.PageEnd)
                {
                    error = $"segment {i} (0x{s.VirtualAddress:x}) overlaps the segment at "
                        + $"0x{other.VirtualAddress:x} in the same pages";
                    return null;
                }
            segments.Add(s);
        }
        if (segments.Count == 0) { error = "no loadable segment"; return null; }
        bool entryOk = false;
        foreach (ElfSegment s in segments)
            if (s.Execute && entry - s.VirtualAddress < s.MemorySize) entryOk = true;
        if (!entryOk) { error = $"entry point 0x{entry:x} is not inside an executable segment"; return null; }
        if (tls is ElfSegment t && t.MemorySize > 1024 * 1024)
        {
            error = $"TLS segment of 0x{t.MemorySize:x} bytes";
            return null;
        }
        return new ElfImage(entry, phoff, phnum, segments, tls);
    }

    private static ushort U16(System.ReadOnlySpan<byte> b, int at) => (ushort)(b[at] | b[at + 1] << 8);
    private static uint U32(System.ReadOnlySpan<byte> b, int at)
        => (uint)(b[at] | b[at + 1] << 8 | b[at + 2] << 16 | b[at + 3] << 24);
    private static ulong U64(System.ReadOnlySpan<byte> b, int at) => U32(b, at) | (ulong)U32(b, at + 4) << 32;
}
