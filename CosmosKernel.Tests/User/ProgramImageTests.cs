using System.Collections.Generic;
using System.Formats.Tar;
using System.IO;
using System.Linq;
using NUnit.Framework;

namespace MemOS.Tests.User;

/// <summary>
/// The programs as the build packs them: programs.tar is a ustar archive of exactly the User/Programs folders, and
/// every program is a static, non-PIE x86_64 executable laid out as the process contract says (docs/programs.md).
/// </summary>
[TestFixture]
public class ProgramImageTests
{
    private const ulong Page = 4096, ImageBase = 0x40_0000, UserEnd = 0x8000_0000_0000;

    public static IEnumerable<string> Names() => ProgramArchive.ExpectedNames();

    [Test]
    public void The_archive_is_ustar_with_one_executable_file_per_program_folder()
    {
        var entries = ProgramArchive.Entries();
        Assert.That(entries.Select(e => e.Name), Is.EqualTo(ProgramArchive.ExpectedNames()),
            "names, sorted, no directories");
        Assert.That(new FileInfo(ProgramArchive.ArchivePath).Length % 512, Is.Zero);
        foreach (var e in entries)
        {
            Assert.That(e.Format, Is.EqualTo(TarEntryFormat.Ustar), e.Name);
            Assert.That(e.Type, Is.EqualTo(TarEntryType.RegularFile), e.Name);
            Assert.That((int)e.Mode & 0x1FF, Is.EqualTo(0x1ED), $"{e.Name}: mode 0755");
            Assert.That(e.Modified.ToUnixTimeSeconds(), Is.Zero, $"{e.Name}: time 0 (a reproducible archive)");
            Assert.That(e.Content.Length, Is.GreaterThan(0), e.Name);
        }
    }

    [Test]
    public void The_shipped_programs_of_the_issue_are_all_there()
        => Assert.That(ProgramArchive.ExpectedNames(),
            Is.SupersetOf(new[] { "hello", "seedwalk", "twins", "segv", "stack", "memhog", "fuzz" }));

    [TestCaseSource(nameof(Names))]
    public void Is_a_static_non_PIE_x86_64_executable(string name)
    {
        ElfImage elf = ElfImage.Parse(ProgramArchive.Program(name));
        Assert.That(elf.Type, Is.EqualTo(2), "ET_EXEC");
        Assert.That(elf.Machine, Is.EqualTo(62), "EM_X86_64");
        Assert.That(elf.Segments.Select(s => s.Type),
            Has.None.EqualTo(ElfImage.PtInterp).And.None.EqualTo(ElfImage.PtDynamic),
            "static: no interpreter, no dynamic section");
    }

    [TestCaseSource(nameof(Names))]
    public void Loads_text_rodata_and_data_with_their_own_permissions(string name)
    {
        ElfImage elf = ElfImage.Parse(ProgramArchive.Program(name));
        var loads = elf.Segments.Where(s => s.Type == ElfImage.PtLoad).ToList();
        Assert.That(loads.Select(s => s.Permissions), Is.EqualTo(new[] { "r-x", "r--", "rw-", "r--" }),
            "text, rodata, data+bss, the symbol table in that order");
        Assert.That(loads[0].Address, Is.EqualTo(ImageBase),
            "linked at 0x400000, headers included (AT_PHDR lies inside)");
        Assert.That(loads[0].Offset, Is.Zero);
        for (int i = 0; i < loads.Count; i++)
        {
            ElfImage.Segment s = loads[i];
            Assert.That(s.Address % Page, Is.Zero, $"segment {i} starts on a page");
            Assert.That(s.Offset % Page, Is.Zero, $"segment {i}'s file offset is page aligned");
            Assert.That(s.FileSize, Is.LessThanOrEqualTo(s.MemorySize), $"segment {i}");
            Assert.That(s.End, Is.LessThan(UserEnd), $"segment {i} inside the user half");
            if (i > 0)
                Assert.That(s.Address, Is.GreaterThanOrEqualTo((loads[i - 1].End + Page - 1) & ~(Page - 1)),
                    $"segment {i} overlaps no page of the one before");
        }
        Assert.That(elf.Entry,
            Is.GreaterThanOrEqualTo(loads[0].Address).And.LessThan(loads[0].Address + loads[0].FileSize),
            "entry inside the text");
    }

    [TestCaseSource(nameof(Names))]
    public void Has_its_tls_template_in_data_and_a_non_executable_stack(string name)
    {
        ElfImage elf = ElfImage.Parse(ProgramArchive.Program(name));
        ElfImage.Segment data = elf.Segments.Single(s => s.Type == ElfImage.PtLoad && s.Permissions == "rw-");
        var tls = elf.Segments.Where(s => s.Type == ElfImage.PtTls).ToList();
        Assert.That(tls, Has.Count.EqualTo(1));
        Assert.That(tls[0].Address,
            Is.GreaterThanOrEqualTo(data.Address).And.LessThanOrEqualTo(data.Address + data.FileSize),
            "the .tdata template is in the data segment");
        var stack = elf.Segments.Where(s => s.Type == ElfImage.PtGnuStack).ToList();
        Assert.That(stack, Has.Count.EqualTo(1));
        Assert.That(stack[0].Flags & ElfImage.PfX, Is.Zero, "PT_GNU_STACK without execute");
    }

    [Test]
    public void The_reader_refuses_what_is_not_an_ELF64_file()
    {
        Assert.That(() => ElfImage.Parse(new byte[10]), Throws.TypeOf<System.FormatException>());
        byte[] elf32 = ProgramArchive.Program("hello").Take(64).ToArray();
        elf32[4] = 1;
        Assert.That(() => ElfImage.Parse(elf32),
            Throws.TypeOf<System.FormatException>().With.Message.Contains("ELF64"));
    }
}
