using System;
using MemOS.Memory.Programs;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Programs;

/// <summary>The ELF checks the process loader relies on: malformed files are refused with a reason, never
/// loaded.</summary>
public class ElfImageTests
{
    private record struct Segment(uint Type, uint Flags, ulong Offset, ulong Address, ulong FileSize, ulong MemorySize);

    // A static executable: ELF header, program headers at 64, then file bytes up to `size`.
    private static byte[] Elf(ulong entry, int size, params Segment[] segments)
    {
        var f = new byte[Math.Max(size, 64 + 56 * segments.Length)];
        f[0] = 0x7F; f[1] = (byte)'E'; f[2] = (byte)'L'; f[3] = (byte)'F'; f[4] = 2; f[5] = 1; f[6] = 1;
        BitConverter.GetBytes((ushort)2).CopyTo(f, 16);
        BitConverter.GetBytes((ushort)62).CopyTo(f, 18);
        BitConverter.GetBytes(entry).CopyTo(f, 24);
        BitConverter.GetBytes(64UL).CopyTo(f, 32);
        BitConverter.GetBytes((ushort)56).CopyTo(f, 54);
        BitConverter.GetBytes((ushort)segments.Length).CopyTo(f, 56);
        for (int i = 0; i < segments.Length; i++)
        {
            int h = 64 + 56 * i;
            Segment s = segments[i];
            BitConverter.GetBytes(s.Type).CopyTo(f, h);
            BitConverter.GetBytes(s.Flags).CopyTo(f, h + 4);
            BitConverter.GetBytes(s.Offset).CopyTo(f, h + 8);
            BitConverter.GetBytes(s.Address).CopyTo(f, h + 16);
            BitConverter.GetBytes(s.FileSize).CopyTo(f, h + 32);
            BitConverter.GetBytes(s.MemorySize).CopyTo(f, h + 40);
        }
        return f;
    }

    private static readonly Segment Text = new(1, 5, 0, 0x400000, 0x2000, 0x2000);
    private static readonly Segment Data = new(1, 6, 0x2000, 0x402000, 0x100, 0x3000);

    private static string Refusal(byte[] file)
    {
        Assert.That(ElfImage.Parse(file, out string error), Is.Null);
        return error;
    }

    [Test]
    public void A_good_executable_gives_segments_permissions_entry_and_phdr()
    {
        ElfImage? image = ElfImage.Parse(Elf(0x401000, 0x2100, Text, Data), out string error);
        Assert.That(image, Is.Not.Null, error);
        Assert.That(image!.Entry, Is.EqualTo(0x401000));
        Assert.That(image.Segments, Has.Count.EqualTo(2));
        Assert.That(image.Segments[0].Permissions, Is.EqualTo("r-x"));
        Assert.That(image.Segments[1].Permissions, Is.EqualTo("rw-"));
        Assert.That(image.Segments[1].PageEnd, Is.EqualTo(0x405000));
        Assert.That(image.ProgramHeaderAddress, Is.EqualTo(0x400040));
    }

    [Test]
    public void Truncated_files_are_refused()
    {
        byte[] good = Elf(0x401000, 0x2100, Text, Data);
        Assert.That(Refusal(good.AsSpan(0, 40).ToArray()), Does.Contain("too short"));
        Assert.That(Refusal(good.AsSpan(0, 100).ToArray()), Does.Contain("program headers lie outside"));
        Assert.That(Refusal(good.AsSpan(0, 0x2050).ToArray()), Does.Contain("outside the file"));
    }

    [Test]
    public void Wrong_kind_of_file_is_refused()
    {
        byte[] f = Elf(0x401000, 0x2100, Text);
        f[0] = 0;
        Assert.That(Refusal(f), Does.Contain("bad magic"));
        f = Elf(0x401000, 0x2100, Text);
        f[4] = 1;
        Assert.That(Refusal(f), Does.Contain("64-bit"));
        f = Elf(0x401000, 0x2100, Text);
        f[16] = 3;
        Assert.That(Refusal(f), Does.Contain("ET_DYN"));
        f = Elf(0x401000, 0x2100, Text);
        f[18] = 3;
        Assert.That(Refusal(f), Does.Contain("not x86_64"));
    }

    [Test]
    public void Overlapping_segments_are_refused()
        => Assert.That(Refusal(Elf(0x401000, 0x2100, Text, Data with { Address = 0x401800, Offset = 0x800 })),
            Does.Contain("overlaps"));

    [Test]
    public void Segments_in_the_kernel_half_below_user_space_or_wrapping_are_refused()
    {
        Assert.That(Refusal(Elf(0x401000, 0x2100, Text with { Address = 0xFFFF_FFFF_8000_0000 })),
            Does.Contain("outside user space"));
        Assert.That(Refusal(Elf(0x1000, 0x2100, Text with { Address = 0 })), Does.Contain("outside user space"));
        Assert.That(Refusal(Elf(0x401000, 0x2100, Text, Data with { MemorySize = ulong.MaxValue - 0x1000 })),
            Does.Contain("outside user space"));
        Assert.That(Refusal(Elf(0x401000, 0x2100, Text, Data with { Address = 0x7FFF_FFFF_F000, Offset = 0 })),
            Does.Contain("outside user space"));
    }

    [Test]
    public void Inconsistent_sizes_offsets_and_entry_are_refused()
    {
        Assert.That(Refusal(Elf(0x401000, 0x2100, Text, Data with { FileSize = 0x4000 })), Does.Contain("file size"));
        Assert.That(Refusal(Elf(0x401000, 0x3000, Text, Data with { Offset = 0x2010 })),
            Does.Contain("differ within a page"));
        Assert.That(Refusal(Elf(0x402000, 0x2100, Text, Data)), Does.Contain("not inside an executable segment"));
        Assert.That(Refusal(Elf(0x401000, 0x2100, Text with { Type = 4 })), Does.Contain("no loadable segment"));
        Assert.That(Refusal(Elf(0x401000, 0x2100, Text, Data with { Offset = ulong.MaxValue - 0x10 })),
            Does.Contain("outside the file"));
    }
}
