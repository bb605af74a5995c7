using System;
using System.Linq;
using System.Text;
using MemOS.Memory.Boot;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Boot;

/// <summary>The multiboot parser on crafted MB1 and MB2 structures: good, truncated, overlapping, empty, absurd,
/// missing.</summary>
public class MultibootParserTests
{
    private const uint Mb1 = MultibootParser.Multiboot1Magic, Mb2 = MultibootParser.Multiboot2Magic;

    private static void Put32(byte[] m, int at, uint v) => BitConverter.GetBytes(v).CopyTo(m, at);
    private static void Put64(byte[] m, int at, ulong v) => BitConverter.GetBytes(v).CopyTo(m, at);
    private static void PutString(byte[] m, int at, string s) => Encoding.ASCII.GetBytes(s + "\0").CopyTo(m, at);

    // MB1 info at 0x1000: flags, cmdline at 0x2000, modules at 0x3000, memory map at 0x4000 (two entries)
    private static byte[] Multiboot1(uint flags, uint moduleCount = 2, uint mapLength = 48)
    {
        var m = new byte[0x10000];
        Put32(m, 0x1000, flags);
        Put32(m, 0x1000 + 16, 0x2000);
        PutString(m, 0x2000, "kernel.bin suite=processes");
        Put32(m, 0x1000 + 20, moduleCount);
        Put32(m, 0x1000 + 24, 0x3000);
        Put32(m, 0x3000, 0x8000); Put32(m, 0x3004, 0x9000); Put32(m, 0x3008, 0x2100);
        PutString(m, 0x2100, "/boot/programs.tar");
        Put32(m, 0x3010, 0x9000); Put32(m, 0x3014, 0x9800); Put32(m, 0x3018, 0x2200);
        PutString(m, 0x2200, "ctests.tar");
        Put32(m, 0x1000 + 44, mapLength);
        Put32(m, 0x1000 + 48, 0x4000);
        Put32(m, 0x4000, 20); Put64(m, 0x4004, 0); Put64(m, 0x400C, 0x9F000); Put32(m, 0x4014, 1);
        Put32(m, 0x4018, 20); Put64(m, 0x401C, 0x100000); Put64(m, 0x4024, 0x7F00000); Put32(m, 0x402C, 1);
        return m;
    }

    [Test]
    public void Multiboot1_modules_command_line_and_memory_map()
    {
        BootInfo b = MultibootParser.Parse(Mb1, 0x1000,
            new ByteArrayBootMemory(Multiboot1((1 << 2) | (1 << 3) | (1 << 6))));
        Assert.That(b.Problems, Is.Empty);
        Assert.That(b.CommandLine, Is.EqualTo("kernel.bin suite=processes"));
        Assert.That(b.Option("suite"), Is.EqualTo("processes"));
        Assert.That(b.Modules,
            Is.EqualTo(new[] { new BootModule(0x8000, 0x9000, "/boot/programs.tar"),
                new BootModule(0x9000, 0x9800, "ctests.tar") }));
        Assert.That(b.MemoryMap, Has.Count.EqualTo(2));
        Assert.That(b.MemoryMap[1], Is.EqualTo(new BootMemoryEntry(0x100000, 0x7F00000, 1)));
    }

    [Test]
    public void Multiboot1_without_memory_map_says_so()
    {
        BootInfo b = MultibootParser.Parse(Mb1, 0x1000, new ByteArrayBootMemory(Multiboot1(1 << 3)));
        Assert.That(b.Problems, Does.Contain("the bootloader gave no memory map"));
        Assert.That(b.Modules, Has.Count.EqualTo(2));
    }

    [Test]
    public void Multiboot1_absurd_module_count_and_map_length_are_refused()
    {
        BootInfo b = MultibootParser.Parse(Mb1, 0x1000,
            new ByteArrayBootMemory(Multiboot1((1 << 3) | (1 << 6), moduleCount: 100000, mapLength: 0xFFFF_FFF0)));
        Assert.That(b.Modules, Is.Empty);
        Assert.That(b.Problems.Any(p => p.Contains("claims 100000 modules")), Is.True);
        Assert.That(b.Problems.Any(p => p.Contains("claims 4294967280 bytes")), Is.True);
    }

    [Test]
    public void Multiboot1_module_list_outside_memory_is_a_problem()
    {
        byte[] m = Multiboot1((1 << 3) | (1 << 6));
        Put32(m, 0x1000 + 24, 0xFFFF_0000);
        BootInfo b = MultibootParser.Parse(Mb1, 0x1000, new ByteArrayBootMemory(m));
        Assert.That(b.Modules, Is.Empty);
        Assert.That(b.Problems.Any(p => p.Contains("module list") && p.Contains("not readable")), Is.True);
    }

    [Test]
    public void Multiboot1_overlapping_empty_and_reversed_modules_are_ignored_with_a_reason()
    {
        byte[] m = Multiboot1((1 << 3) | (1 << 6), moduleCount: 2);
        Put32(m, 0x3010, 0x8800); // second starts inside the first
        BootInfo overlap = MultibootParser.Parse(Mb1, 0x1000, new ByteArrayBootMemory(m));
        Assert.That(overlap.Modules, Has.Count.EqualTo(1));
        Assert.That(overlap.Problems.Any(p => p.Contains("overlaps module '/boot/programs.tar'")), Is.True);

        Put32(m, 0x3010, 0x9800); // empty
        Assert.That(
            MultibootParser.Parse(Mb1, 0x1000, new ByteArrayBootMemory(m)).Problems.Any(p => p.Contains("is empty")),
            Is.True);
        Put32(m, 0x3010, 0xA000); // ends before it starts
        Assert.That(
            MultibootParser.Parse(Mb1, 0x1000, new ByteArrayBootMemory(m)).Problems
                .Any(p => p.Contains("before it starts")),
            Is.True);
    }

    [Test]
    public void Multiboot1_truncated_information_and_bad_map_entries()
    {
        Assert.That(MultibootParser.Parse(Mb1, 0xFFF0, new ByteArrayBootMemory(new byte[0x10000])).Problems.Single(),
            Does.Contain("not readable"));
        Assert.That(MultibootParser.Parse(Mb1, 0, new ByteArrayBootMemory(new byte[0x10000])).Problems.Single(),
            Does.Contain("not readable"));
        byte[] m = Multiboot1(1 << 6);
        Put32(m, 0x4018, 4); // second entry's size field too small
        BootInfo b = MultibootParser.Parse(Mb1, 0x1000, new ByteArrayBootMemory(m));
        Assert.That(b.MemoryMap, Has.Count.EqualTo(1));
        Assert.That(b.Problems.Single(), Does.Contain("has size 4"));
    }

    // MB2 info at 0x1000: total size, then tags (8-aligned), then the end tag
    private static byte[] Multiboot2(params (uint Type, byte[] Body)[] tags)
    {
        var m = new byte[0x10000];
        int at = 0x1008;
        foreach (var (type, body) in tags)
        {
            Put32(m, at, type);
            Put32(m, at + 4, (uint)(8 + body.Length));
            body.CopyTo(m, at + 8);
            at += (8 + body.Length + 7) & ~7;
        }
        Put32(m, at, 0); Put32(m, at + 4, 8);
        Put32(m, 0x1000, (uint)(at + 8 - 0x1000));
        return m;
    }

    private static byte[] ModuleTag(uint start, uint end, string name)
    {
        var b = new byte[8 + name.Length + 1];
        Put32(b, 0, start); Put32(b, 4, end);
        Encoding.ASCII.GetBytes(name).CopyTo(b, 8);
        return b;
    }

    private static byte[] MapTag()
    {
        var b = new byte[8 + 2 * 24];
        Put32(b, 0, 24);
        Put64(b, 8, 0); Put64(b, 16, 0x9F000); Put32(b, 24, 1);
        Put64(b, 32, 0x100000); Put64(b, 40, 0x7F00000); Put32(b, 48, 1);
        return b;
    }

    [Test]
    public void Multiboot2_module_tags_memory_map_and_unknown_tags()
    {
        byte[] m = Multiboot2((1, Encoding.ASCII.GetBytes("quiet\0")), (9, new byte[20]),
            (3, ModuleTag(0x8000, 0x9000, "programs")),
            (6, MapTag()), (0x77, new byte[3]));
        BootInfo b = MultibootParser.Parse(Mb2, 0x1000, new ByteArrayBootMemory(m));
        Assert.That(b.Problems, Is.Empty);
        Assert.That(b.CommandLine, Is.EqualTo("quiet"));
        Assert.That(b.Modules.Single(), Is.EqualTo(new BootModule(0x8000, 0x9000, "programs")));
        Assert.That(b.MemoryMap, Has.Count.EqualTo(2));
    }

    [Test]
    public void Multiboot2_missing_map_short_module_tag_and_bad_sizes()
    {
        BootInfo noMap = MultibootParser.Parse(Mb2, 0x1000, new ByteArrayBootMemory(Multiboot2((3, new byte[4]))));
        Assert.That(noMap.Problems, Does.Contain("the bootloader gave no memory map"));
        Assert.That(noMap.Problems.Any(p => p.Contains("module tag") && p.Contains("ignored")), Is.True);

        byte[] m = Multiboot2((3, ModuleTag(0x8000, 0x9000, "programs")), (6, MapTag()));
        Put32(m, 0x1008 + 4, 0x10_0000); // the module tag claims a size beyond the information
        BootInfo bad = MultibootParser.Parse(Mb2, 0x1000, new ByteArrayBootMemory(m));
        Assert.That(bad.Modules, Is.Empty);
        Assert.That(bad.Problems.Any(p => p.Contains("bad size")), Is.True);

        Assert.That(MultibootParser.Parse(Mb2, 0x1004, new ByteArrayBootMemory(m)).Problems.Single(),
            Does.Contain("not readable"));
        Put32(m, 0x1000, 0xFFFF_0000);
        Assert.That(MultibootParser.Parse(Mb2, 0x1000, new ByteArrayBootMemory(m)).Problems.Single(),
            Does.Contain("implausible"));
    }

    [Test]
    public void Multiboot2_truncated_without_end_tag_is_reported()
    {
        byte[] m = Multiboot2((6, MapTag()));
        Put32(m, 0x1000, 8 + 8 + 56); // total stops right after the map tag: no end tag inside
        BootInfo b = MultibootParser.Parse(Mb2, 0x1000, new ByteArrayBootMemory(m));
        Assert.That(b.MemoryMap, Has.Count.EqualTo(2));
        Assert.That(b.Problems, Does.Contain("multiboot2 information has no end tag: parsed up to its size"));
    }

    [Test]
    public void Unknown_magic_is_a_problem()
    {
        BootInfo b = MultibootParser.Parse(0x1234, 0x1000, new ByteArrayBootMemory(new byte[16]));
        Assert.That(b.Protocol, Is.EqualTo("none"));
        Assert.That(b.Problems.Single(), Does.Contain("unknown boot magic"));
    }

    // The common framebuffer fields as both protocols lay them out, then red/green/blue position and size.
    private static byte[] FramebufferFields(ulong address, uint pitch, uint width, uint height, byte bpp, byte type,
        int padding)
    {
        var f = new byte[22 + padding + 6];
        Put64(f, 0, address); Put32(f, 8, pitch); Put32(f, 12, width); Put32(f, 16, height);
        f[20] = bpp; f[21] = type;
        new byte[] { 16, 8, 8, 8, 0, 8 }.CopyTo(f, 22 + padding);
        return f;
    }

    [Test]
    public void Multiboot2_framebuffer_tag_gives_geometry_and_channels()
    {
        byte[] m = Multiboot2((6, MapTag()), (8, FramebufferFields(0xFD00_0000, 4096, 1024, 768, 32, 1, 2)));
        BootInfo b = MultibootParser.Parse(Mb2, 0x1000, new ByteArrayBootMemory(m));
        Assert.That(b.Problems, Is.Empty);
        Assert.That(b.Framebuffer,
            Is.EqualTo(new BootFramebuffer(0xFD00_0000, 4096, 1024, 768, 32, 1, 16, 8, 8, 8, 0, 8)));
        Assert.That(b.Framebuffer!.Value.IsDirectColour32, Is.True);
        Assert.That(b.Framebuffer!.Value.Size, Is.EqualTo(4096UL * 768));
    }

    [Test]
    public void Multiboot1_framebuffer_fields_when_flag_12_is_set()
    {
        byte[] m = Multiboot1((1 << 6) | (1 << 12));
        FramebufferFields(0xE000_0000, 3200, 800, 600, 32, 1, 0).CopyTo(m, 0x1000 + 88);
        BootInfo b = MultibootParser.Parse(Mb1, 0x1000, new ByteArrayBootMemory(m));
        Assert.That(b.Problems, Is.Empty);
        Assert.That(b.Framebuffer,
            Is.EqualTo(new BootFramebuffer(0xE000_0000, 3200, 800, 600, 32, 1, 16, 8, 8, 8, 0, 8)));
        BootInfo without = MultibootParser.Parse(Mb1, 0x1000, new ByteArrayBootMemory(Multiboot1(1 << 6)));
        Assert.That(without.Framebuffer, Is.Null);
    }

    [TestCase(0xFD00_0000UL, 100u, 1024u, 768u, (byte)32, TestName = "pitch shorter than a row")]
    [TestCase(0UL, 4096u, 1024u, 768u, (byte)32, TestName = "address zero")]
    [TestCase(0xFFFF_FFFF_FFFF_F000UL, 4096u, 1024u, 768u, (byte)32, TestName = "wraps around")]
    [TestCase(0xFD00_0000UL, 4096u, 0u, 768u, (byte)32, TestName = "no width")]
    [TestCase(0xFD00_0000UL, 4096u, 1024u, 768u, (byte)0, TestName = "no bits per pixel")]
    [TestCase(0xFD00_0800UL, 4096u, 1024u, 768u, (byte)32, TestName = "not page aligned")]
    public void Implausible_framebuffers_are_problems(ulong address, uint pitch, uint width, uint height, byte bpp)
    {
        byte[] m = Multiboot2((6, MapTag()), (8, FramebufferFields(address, pitch, width, height, bpp, 1, 2)));
        BootInfo b = MultibootParser.Parse(Mb2, 0x1000, new ByteArrayBootMemory(m));
        Assert.That(b.Framebuffer, Is.Null);
        Assert.That(b.Problems.Single(), Does.Contain("framebuffer").And.Contain("implausible"));
    }

    [Test]
    public void Short_framebuffer_tag_is_a_problem()
    {
        byte[] m = Multiboot2((6, MapTag()), (8, new byte[20]));
        BootInfo b = MultibootParser.Parse(Mb2, 0x1000, new ByteArrayBootMemory(m));
        Assert.That(b.Framebuffer, Is.Null);
        Assert.That(b.Problems.Single(), Does.Contain("framebuffer tag"));
    }
}
