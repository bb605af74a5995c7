using System;
using System.Text;
using MemOS.Tests.Kernel;
using NUnit.Framework;

namespace MemOS.Tests.Suites;

/// <summary>
/// The shell suite, driven over serial like a user at a terminal: every command answers, help lists them all,
/// unknown and malformed commands get their one-line errors, line editing works, and garbage never stops the shell.
/// </summary>
[Category(KernelTestEnvironment.Category)]
[NonParallelizable]
public sealed class ShellSuite
{
    private ShellSession? _shell;
    private ShellSession Shell => _shell ?? throw new InvalidOperationException("no shell session");

    private static readonly string[] Commands =
        ["help", "echo", "clear", "uptime", "cpuinfo", "memmap", "halt", "reboot"];

    [OneTimeSetUp]
    public void Boot()
    {
        KernelTestEnvironment.RequireQemu();
        _shell = ShellSession.Start();
        TestContext.Out.WriteLine($"boot to prompt: {_shell.BootToPrompt.TotalMilliseconds:0} ms");
    }

    [OneTimeTearDown]
    public void Shutdown() => _shell?.Dispose();

    private void AssertAnswering()
        => Assert.That(Shell.Run("echo still here"), Is.EqualTo("still here"),
            "the shell stopped answering\n" + Shell.SerialLog[^Math.Min(2000, Shell.SerialLog.Length)..]);

    [Test]
    public void Help_lists_every_command()
    {
        string help = Shell.Run("help");
        foreach (string command in Commands)
            Assert.That(help, Does.Contain("  " + command + " "), $"help does not list {command}");
    }

    [TestCase("help"), TestCase("echo"), TestCase("clear"), TestCase("uptime"), TestCase("cpuinfo"), TestCase("memmap")]
    public void Help_for_a_command_shows_its_usage(string command)
        => Assert.That(Shell.Run("help " + command), Does.StartWith("usage: " + command));

    [Test]
    public void Echo_prints_its_arguments()
        => Assert.That(Shell.Run("echo hello   \"memory  world\""), Is.EqualTo("hello memory  world"));

    [Test]
    public void Uptime_advances()
    {
        string first = Shell.Run("uptime");
        System.Threading.Thread.Sleep(300);
        string second = Shell.Run("uptime");
        Assert.That(first, Does.StartWith("up "));
        Assert.That(second, Is.Not.EqualTo(first));
    }

    [Test]
    public void Cpuinfo_reports_the_memory_features()
    {
        string info = Shell.Run("cpuinfo");
        foreach (string feature in new[] { "PAE", "NX", "PGE", "1GiB", "PCID", "SMEP", "SMAP", "address bits:" })
            Assert.That(info, Does.Contain(feature));
        // the values per CPU model, feature by feature: Kernel/Shell/CpuModelTests
        Assert.That(info, Does.Contain("\n  SMEP  yes  ").And.Contain("\n  NX    yes  "), info);
        Assert.That(info, Does.Match(@"physical \d+, virtual \d+"));
    }

    [Test]
    public void Memmap_shows_the_bootloader_map_with_types_and_totals()
    {
        string map = Shell.Run("memmap");
        Assert.That(map, Does.Contain("usable"));
        Assert.That(map, Does.Contain("reserved"));
        Assert.That(map, Does.Match(@"\d+ entries: usable"));
    }

    [Test]
    public void Clear_answers() => Assert.That(Shell.Run("clear"), Does.Not.Contain("unknown"));

    [Test]
    public void An_unknown_command_gets_one_line_naming_it()
    {
        string output = Shell.Run("frobnicate now");
        Assert.That(output, Is.EqualTo("unknown command 'frobnicate': type 'help' for the list of commands"));
    }

    [TestCase("uptime 5", "uptime: takes no arguments (usage: uptime)")]
    [TestCase("help a b", "help: too many arguments (usage: help [COMMAND])")]
    [TestCase("help nosuch", "help: no command 'nosuch': type 'help' for the list")]
    [TestCase("cpuinfo x", "cpuinfo: takes no arguments (usage: cpuinfo)")]
    [TestCase("halt now", "halt: takes no arguments (usage: halt)")]
    [TestCase("reboot now", "reboot: takes no arguments (usage: reboot)")]
    public void Malformed_arguments_get_one_line_with_the_usage(string line, string expected)
        => Assert.That(Shell.Run(line), Is.EqualTo(expected));

    [Test]
    public void Commands_are_case_insensitive_and_have_aliases()
    {
        Assert.That(Shell.Run("ECHO x"), Is.EqualTo("x"));
        Assert.That(Shell.Run("? echo"), Does.StartWith("usage: echo"));
    }

    [Test]
    public void Ctrl_c_abandons_the_line()
    {
        Shell.SendRaw("echo never\x03");
        Shell.ReadUntilPrompt();
        AssertAnswering();
        Assert.That(Shell.SerialLog, Does.Not.Contain("\nnever"));
    }

    // With editing keys the echo is not the plain command, so only the last line (the command's output) counts.
    private string LastLine(string keys)
    {
        string output = Shell.Run(keys).Replace("\r", "");
        int newline = output.LastIndexOf('\n');
        return newline < 0 ? output : output[(newline + 1)..];
    }

    [Test]
    public void Backspace_and_cursor_keys_edit_the_line()
    {
        Assert.That(LastLine("echo abd\x7f" + "c"), Is.EqualTo("abc"));
        Assert.That(LastLine("echo ac\x1b[DX"), Is.EqualTo("aXc"));
        Assert.That(LastLine("echo xyz\x1b[D\x1b[D\x1b[3~"), Is.EqualTo("xz"));
        Assert.That(LastLine("cho \x1b[He"), Is.EqualTo(""));
    }

    [Test]
    public void Up_arrow_recalls_history()
    {
        Shell.Run("echo remembered");
        Assert.That(LastLine("\x1b[A"), Is.EqualTo("remembered"));
    }

    [TestCase("\n"), TestCase("\r\n")]
    public void Lf_and_crlf_also_end_a_line(string ending)
    {
        Shell.LineEnding = ending;
        try { Assert.That(Shell.Run("echo ending"), Is.EqualTo("ending")); }
        finally { Shell.LineEnding = "\r"; }
    }

    [Test]
    public void Overlong_and_empty_lines_leave_the_shell_answering()
    {
        Shell.Run("");
        Shell.Run("   ");
        Shell.Run("echo " + new string('x', 5000));
        AssertAnswering();
    }

    [Test]
    public void A_thousand_random_garbage_lines_leave_the_shell_answering()
    {
        var random = new Random(20261125);
        const string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789 -_=+[]{};:'\",.<>/?\\|`~!@#$%^&*()\t0x";
        string[] words =
            ["help", "echo", "memmap", "uptime", "cpuinfo", "clear", "--", "0xffffffffffffffff", "-1",
             "99999999999999999999999"];
        for (int i = 0; i < 1000; i++)
        {
            var line = new StringBuilder();
            if (random.Next(3) == 0) line.Append(words[random.Next(words.Length)]).Append(' ');
            int length = random.Next(0, 60);
            for (int c = 0; c < length; c++) line.Append(alphabet[random.Next(alphabet.Length)]);
            // keep the garbage printable: control bytes are the line editor's keys, tested above
            Shell.Run(line.ToString().Replace("help", "hlp").Replace("clear", "clr"), TimeSpan.FromSeconds(20));
        }
        AssertAnswering();
    }
}
