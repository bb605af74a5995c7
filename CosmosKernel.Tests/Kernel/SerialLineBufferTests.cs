using NUnit.Framework;

namespace MemOS.Tests.Kernel;

public class SerialLineBufferTests
{
    [Test]
    public void Lines_split_across_chunks_are_joined_and_CRLF_is_removed()
    {
        var buffer = new SerialLineBuffer();
        Assert.That(buffer.Append("Mem"), Is.Empty);
        Assert.That(buffer.Append("OS boot\r"), Is.Empty);
        Assert.That(buffer.Append("\n[test] a PASS\n[te"), Is.EqualTo(new[] { "MemOS boot", "[test] a PASS" }));
        Assert.That(buffer.Partial, Is.EqualTo("[te"));
        Assert.That(buffer.Append("st] b PASS\n"), Is.EqualTo(new[] { "[test] b PASS" }));
        Assert.That(buffer.Partial, Is.Empty);
    }

    [Test]
    public void The_prompt_stays_as_the_unfinished_line()
    {
        var buffer = new SerialLineBuffer();
        Assert.That(buffer.Append("ready\nmemos> "), Is.EqualTo(new[] { "ready" }));
        Assert.That(buffer.Partial, Is.EqualTo("memos> "));
        Assert.That(buffer.Flush(), Is.EqualTo("memos> "));
        Assert.That(buffer.Flush(), Is.Null);
    }

    [Test]
    public void Empty_lines_are_kept()
        => Assert.That(new SerialLineBuffer().Append("a\n\r\n\nb\n"), Is.EqualTo(new[] { "a", "", "", "b" }));
}
