using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace MemOS.Tests.User;

/// <summary>The ELF64 header fields and program headers the program tests check (a reader, not a loader).</summary>
public sealed class ElfImage
{
    public const uint PtLoad = 1, PtDynamic = 2, PtInterp = 3, PtTls = 7, PtGnuStack = 0x6474_E551;
    public const uint PfX = 1, PfW = 2, PfR = 4;

    public readonly record struct Segment(
        uint Type, uint Flags, ulong Offset, ulong Address, ulong FileSize, ulong MemorySize, ulong Align)
    {
        public ulong End => Address + MemorySize;
        public string Permissions
            => $"{((Flags & PfR) != 0 ? 'r' : '-')}{((Flags & PfW) != 0 ? 'w' : '-')}"
                + $"{((Flags & PfX) != 0 ? 'x' : '-')}";
    }

    private ElfImage(ushort type, ushort machine, ulong entry, List<Segment> segments)
    {
        Type = type;
        Machine = machine;
        Entry = entry;
        Segments = segments;
    }

    public ushort Type { get; }
    public ushort Machine { get; }
    public ulong Entry { get; }
    public IReadOnlyList<Segment> Segments { get; }

    /// <summary>Parses an ELF64 little-endian file; FormatException names what is wrong.</summary>
    public static ElfImage Parse(byte[] file)
    {
        if (file.Length < 64 || file[0] != 0x7F || file[1] != (byte)'E' || file[2] != (byte)'L' || file[3] != (byte)'F')
            throw new FormatException("not an ELF file");
        if (file[4] != 2 || file[5] != 1) throw new FormatException("not ELF64 little-endian");
        ReadOnlySpan<byte> f = file;
        ushort type = BinaryPrimitives.ReadUInt16LittleEndian(f[16..]);
        ushort machine = BinaryPrimitives.ReadUInt16LittleEndian(f[18..]);
        ulong entry = BinaryPrimitives.ReadUInt64LittleEndian(f[24..]);
        ulong phoff = BinaryPrimitives.ReadUInt64LittleEndian(f[32..]);
        ushort phentsize = BinaryPrimitives.ReadUInt16LittleEndian(f[54..]);
        ushort phnum = BinaryPrimitives.ReadUInt16LittleEndian(f[56..]);
        if (phentsize != 56 || phoff + (ulong)phnum * 56 > (ulong)file.Length)
            throw new FormatException("bad program header table");
        var segments = new List<Segment>();
        for (int i = 0; i < phnum; i++)
        {
            ReadOnlySpan<byte> p = f.Slice((int)phoff + i * 56, 56);
            segments.Add(new Segment(
                BinaryPrimitives.ReadUInt32LittleEndian(p), BinaryPrimitives.ReadUInt32LittleEndian(p[4..]),
                BinaryPrimitives.ReadUInt64LittleEndian(p[8..]), BinaryPrimitives.ReadUInt64LittleEndian(p[16..]),
                BinaryPrimitives.ReadUInt64LittleEndian(p[32..]), BinaryPrimitives.ReadUInt64LittleEndian(p[40..]),
                BinaryPrimitives.ReadUInt64LittleEndian(p[48..])));
        }
        return new ElfImage(type, machine, entry, segments);
    }
}
