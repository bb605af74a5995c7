using System.Linq;
using MemOS.Kernel.Shell;
using NUnit.Framework;

namespace MemOS.Tests.Kernel.Shell;

/// <summary>The shell's word wrapping (CosmosKernel/Shell/TextWrap.cs, compiled on the host): lines fit the console,
/// break between words, and continue under a hanging indent.</summary>
public class TextWrapTests
{
    private const string HelpLine = "  vmmap      list the regions of an address space (the kernel's, or a process's) "
        + "with their flags, backing policy, resident pages and guard gaps";

    [Test]
    public void A_long_help_line_wraps_at_word_boundaries_within_79_columns()
    {
        string wrapped = TextWrap.Wrap(HelpLine, 79, 11);
        string[] lines = wrapped.Split('\n');
        Assert.That(lines, Has.Length.EqualTo(3));
        Assert.That(lines.All(l => l.Length <= 79), Is.True, wrapped);
        Assert.That(lines[0], Is.EqualTo(
            "  vmmap      list the regions of an address space (the kernel's, or a"));
        Assert.That(lines[1], Is.EqualTo(
            "             process's) with their flags, backing policy, resident pages and"));
        Assert.That(lines[2], Is.EqualTo("             guard gaps"));
        // nothing lost, nothing cut: the words are the same (and the gap after the name is kept)
        Assert.That(wrapped.Split((char[])[' ', '\n'], System.StringSplitOptions.RemoveEmptyEntries),
            Is.EqualTo(HelpLine.Split(' ', System.StringSplitOptions.RemoveEmptyEntries)));
    }

    [Test]
    public void Short_lines_and_blank_lines_are_kept_as_they_are()
    {
        Assert.That(TextWrap.Wrap("usage: help [COMMAND]\n\n  list the commands", 79, 2),
            Is.EqualTo("usage: help [COMMAND]\n\n  list the commands"));
    }

    [Test]
    public void Each_line_keeps_its_own_indent_plus_the_hanging_indent()
    {
        string wrapped = TextWrap.Wrap("    one two three four five six", 16, 2);
        Assert.That(wrapped, Is.EqualTo("    one two\n      three four\n      five six"));
    }

    [Test]
    public void A_word_longer_than_a_line_is_cut_and_nothing_exceeds_the_width()
    {
        string word = new('x', 50);
        string wrapped = TextWrap.Wrap("a " + word + " b", 20, 4);
        Assert.That(wrapped.Split('\n').All(l => l.Length <= 20), Is.True, wrapped);
        Assert.That(wrapped.Replace("\n", "").Replace(" ", ""), Is.EqualTo("a" + word + "b"));
    }

    [TestCase(0)]
    [TestCase(-5)]
    [TestCase(1)]
    public void Absurd_widths_do_not_hang(int width)
    {
        string wrapped = TextWrap.Wrap("some words to wrap somewhere", width, 40);
        Assert.That(wrapped.Replace("\n", "").Replace(" ", ""), Is.EqualTo("somewordstowrapsomewhere"));
        Assert.That(wrapped.Split('\n').All(l => l.Length <= 8), Is.True, "at least 8 columns are used");
    }

    // meminfo's first line at 128 MiB (130 columns): the framebuffer console (128 columns, lines of 127) used to cut
    // it mid-word; the screen now gets it broken at a space.
    private const string MeminfoLine = "physical: total 32768 frames (128 MiB), usable 32510, free 29120 frames "
        + "(113 MiB), used 3390 frames (13 MiB), reserved 258 frames (1 MiB)";

    [Test]
    public void A_line_wider_than_the_screen_is_found_and_broken_at_a_space_under_a_hanging_indent()
    {
        Assert.That(MeminfoLine.Length, Is.GreaterThan(127));
        Assert.That(TextWrap.Exceeds(MeminfoLine, 127), Is.True);
        Assert.That(TextWrap.Exceeds(MeminfoLine, MeminfoLine.Length), Is.False);
        Assert.That(TextWrap.Exceeds("short\n" + new string('x', 10), 10), Is.False, "each line counts alone");
        Assert.That(TextWrap.Exceeds("short\n" + new string('x', 11), 10), Is.True);
        string[] lines = TextWrap.Wrap(MeminfoLine, 127, 2).Split('\n');
        Assert.That(lines, Has.Length.EqualTo(2));
        Assert.That(lines[0], Is.EqualTo(
            "physical: total 32768 frames (128 MiB), usable 32510, free 29120 frames (113 MiB), used 3390 frames "
            + "(13 MiB), reserved 258"));
        Assert.That(lines[1], Is.EqualTo("  frames (1 MiB)"));
    }
}
