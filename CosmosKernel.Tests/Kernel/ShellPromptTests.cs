using NUnit.Framework;

namespace MemOS.Tests.Kernel;

public class ShellPromptTests
{
    [Test]
    public void A_prompt_at_a_line_start_ends_the_response_at_once()
    {
        Assert.That(ShellPrompt.TryTakeResponse("free\r\n12 MiB free\r\nmemos> ",
            quiet: false,
            out string response,
            out string rest),
            Is.True);
        Assert.That(response, Is.EqualTo("free\r\n12 MiB free\r\n"));
        Assert.That(rest, Is.Empty);
    }

    [Test]
    public void The_first_prompt_after_boot_is_found()
    {
        Assert.That(ShellPrompt.TryTakeResponse("MemOS 0.1\nmemos> ", false, out string response, out _), Is.True);
        Assert.That(response, Is.EqualTo("MemOS 0.1\n"));
        Assert.That(ShellPrompt.TryTakeResponse("memos> ", false, out response, out _), Is.True);
        Assert.That(response, Is.Empty);
    }

    [Test]
    public void No_prompt_yet_means_no_response()
    {
        Assert.That(ShellPrompt.TryTakeResponse("free\r\n12 MiB", false, out _, out string rest), Is.False);
        Assert.That(rest, Is.EqualTo("free\r\n12 MiB"));
        Assert.That(ShellPrompt.TryTakeResponse("free\r\nmemos", true, out _, out _), Is.False);
        Assert.That(ShellPrompt.TryTakeResponse("", true, out _, out _), Is.False);
    }

    [Test]
    public void A_prompt_in_the_middle_of_a_line_counts_only_once_the_kernel_is_quiet()
    {
        const string text = "echo memos> \r\nmemos> ";
        Assert.That(ShellPrompt.TryTakeResponse("echo x\r\nno newline memos> ", quiet: false, out _, out _), Is.False);
        Assert.That(ShellPrompt.TryTakeResponse("echo x\r\nno newline memos> ",
            quiet: true,
            out string response,
            out _),
            Is.True);
        Assert.That(response, Is.EqualTo("echo x\r\nno newline "));
        Assert.That(ShellPrompt.TryTakeResponse(text, false, out response, out _), Is.True);
        Assert.That(response, Is.EqualTo("echo memos> \r\n"));
    }

    [Test]
    public void Text_after_a_prompt_is_kept_for_later_once_quiet()
    {
        Assert.That(ShellPrompt.TryTakeResponse("ok\nmemos> [timer] tick\n", quiet: false, out _, out _), Is.False);
        Assert.That(ShellPrompt.TryTakeResponse("ok\nmemos> [timer] tick\n",
            quiet: true,
            out string response,
            out string rest),
            Is.True);
        Assert.That(response, Is.EqualTo("ok\n"));
        Assert.That(rest, Is.EqualTo("[timer] tick\n"));
    }

    [TestCase("free\r\n12 MiB free\r\n", "free", "12 MiB free")]
    [TestCase("free\r\nline 1\r\nline 2\r\n", "free", "line 1\nline 2")]
    [TestCase("free\n\n", "free", "")]
    [TestCase("free\r\n", "free", "")]
    [TestCase("free", "free", "")]
    [TestCase("12 MiB free\n", "free", "12 MiB free")]
    [TestCase("frex\r\nunknown command\r\n", "free", "frex\nunknown command")]
    [TestCase("^C\r\n", null, "^C")]
    public void A_response_loses_the_echo_and_the_final_line_break(string raw, string? command, string expected)
        => Assert.That(ShellPrompt.Clean(raw, command), Is.EqualTo(expected));
}
