using NUnit.Framework;

namespace MemOS.Tests.User;

/// <summary>
/// The programs of programs.tar run on the host Linux: the user runtime's start (initial stack, TLS through
/// arch_prctl, CoreLib's initialisation), its heap over mmap, Console through write, the collector, and exit
/// through exit_group, all on a real kernel. What needs MemOS itself (memos_spawn, memos_memstat, the kernel's
/// segfault line) is tested by the kernel suites.
/// </summary>
[TestFixture]
public class HostRunTests
{
    private const int SIGILL = 4, SIGFPE = 8, SIGSEGV = 11;

    [TestCase(null)]
    [TestCase("demand")]
    public void Hello_prints_its_line_and_exits_with_0(string? backing)
    {
        var r = HostProgramRunner.Run("hello", backing: backing);
        Assert.That(r.Output, Is.EqualTo("Hello from a MemOS process!\n"));
        Assert.That(r.ExitCode, Is.Zero, r.Error);
    }

    [Test]
    public void Seedwalk_gets_the_chapters_addresses_from_its_list_heap_at_0x10000()
    {
        var r = HostProgramRunner.Run("seedwalk");
        Assert.That(r.Output, Does.Contain("a = alloc(5) -> 0x10000\n")
            .And.Contain("b = alloc(10) -> 0x10010\n")
            .And.Contain("c = alloc(100) -> 0x10020\n"));
        Assert.That(r.Output, Does.Contain("d = alloc(32) -> 0x10ff0\n"));
        Assert.That(r.Output, Does.Contain("memos_memstat: ENOSYS"), "Linux has no memos_memstat");
        Assert.That(r.ExitCode, Is.Zero, r.Output);
    }

    [Test]
    public void A_twin_reads_back_what_it_wrote_at_0x200000()
    {
        var r = HostProgramRunner.Run("twins", "child 3 10");
        Assert.That(r.Output, Does.Contain("wrote 0x3333333333333333 at 0x200000")
            .And.Contain("read  0x3333333333333333 at 0x200000 (its own)"));
        Assert.That(r.ExitCode, Is.Zero);
    }

    [Test]
    public void Twins_says_which_call_failed_when_it_cannot_spawn()
    {
        var r = HostProgramRunner.Run("twins", "10");
        Assert.That(r.Output, Does.Contain("memos_spawn").And.Contain("ENOSYS"));
        Assert.That(r.ExitCode, Is.EqualTo(1));
    }

    [TestCase("null", SIGSEGV)]
    [TestCase("readonly", SIGSEGV)]
    [TestCase("nx", SIGSEGV)]
    [TestCase("kernel", SIGSEGV)]
    [TestCase("noncanonical", SIGSEGV)]
    [TestCase("ud", SIGILL)]
    [TestCase("de", SIGFPE)]
    public void Segv_commits_its_violation_and_is_killed_for_it(string kind, int signal)
    {
        var r = HostProgramRunner.Run("segv", kind);
        Assert.That(r.Output, Does.StartWith($"segv: {kind}: ").And.Not.Contain("still alive"));
        Assert.That(r.Signal, Is.EqualTo(signal), $"exit {r.ExitCode}");
    }

    [TestCase("")]
    [TestCase("bogus")]
    [TestCase("null extra")]
    public void Segv_refuses_a_bad_kind_with_its_usage(string arguments)
    {
        var r = HostProgramRunner.Run("segv", arguments);
        Assert.That(r.Output, Does.Contain("usage: segv null|readonly|nx|kernel|noncanonical|ud|de"));
        Assert.That(r.ExitCode, Is.EqualTo(2));
    }

    [Test]
    public void Stack_recurses_until_the_guard_page_kills_it()
    {
        var r = HostProgramRunner.Run("stack", shellPrefix: "ulimit -s 1024");
        Assert.That(r.Output, Does.Contain("stack: depth 512,").And.Not.Contain("returned"));
        Assert.That(r.Signal, Is.EqualTo(SIGSEGV));
    }

    [Test]
    public void Memhog_reports_the_refusal_of_mmap_and_exits_cleanly()
    {
        var r = HostProgramRunner.Run("memhog", shellPrefix: "ulimit -v 65536");
        Assert.That(r.Output, Does.Match(@"memhog: refused after \d+ MiB: mmap refused: ENOMEM\n$"));
        Assert.That(r.ExitCode, Is.Zero, r.Error);
    }

    [Test]
    public void Memhog_stops_at_the_limit_it_is_given()
    {
        var r = HostProgramRunner.Run("memhog", "12");
        Assert.That(r.Output, Does.EndWith("memhog: took 12 MiB, the limit asked for\n"));
        Assert.That(r.ExitCode, Is.Zero);
    }

    [TestCase(1UL)]
    [TestCase(42UL)]
    public void Fuzz_gets_the_answers_Linux_gives(ulong seed)
    {
        var r = HostProgramRunner.Run("fuzz", $"20000 {seed}");
        Assert.That(r.Output, Does.Contain("fuzz: done: 20000 calls, 0 unexpected answer(s)"), r.Output);
        Assert.That(r.ExitCode, Is.Zero);
    }

    [TestCase(null)]
    [TestCase("demand")]
    public void Churn_makes_more_garbage_than_the_heap_holds_and_its_live_set_survives_the_collections(string? backing)
    {
        var r = HostProgramRunner.Run("churn", "256", backing: backing);
        Assert.That(r.Output, Does.Match(@"churn: done: 25\d MiB made, \d+ collections, heap \d+ MiB, "
            + @"\d+ KiB in use, live set intact\n$"));
        Assert.That(r.ExitCode, Is.Zero, r.Error);
    }

    [Test]
    public void Upcase_reads_the_console_as_UTF_8_lines_until_a_dot_or_the_end()
    {
        var r = HostProgramRunner.Run("upcase", input: "hello world\r\n\u00e4bc \u00fcn\u00ef\n.\nnot read\n");
        Assert.That(r.Output, Is.EqualTo("HELLO WORLD\n\u00c4BC \u00dcN\u00cf\n"));
        Assert.That(r.Error, Is.EqualTo("upcase: 2 line(s)\n"));
        Assert.That(HostProgramRunner.Run("upcase", input: "last line without newline").Output,
            Is.EqualTo("LAST LINE WITHOUT NEWLINE\n"));
        Assert.That(HostProgramRunner.Run("upcase", input: "").Error, Is.EqualTo("upcase: 0 line(s)\n"));
    }

    [Test]
    public void Exceptions_are_caught_in_a_process_and_an_unhandled_one_ends_it_with_134()
    {
        var r = HostProgramRunner.Run("exceptions");
        Assert.That(r.Output, Is.EqualTo("caught FormatException: Format_InvalidStringWithValue, x0\n"
            + "caught ArgumentException through a filter: argument 0\nfinally ran\n"
            + "hardware faults: no memos_fault_handler here (not MemOS?): a fault would be a signal\n"));
        // type, message and the frames by name, from the program's own symbol table; argv[0] is the path run
        Assert.That(r.Error, Does.Match(@"exceptions: unhandled exception: System\.InvalidOperationException: "
            + @"this one is not caught\n   at Program\.Main\+0x[0-9a-f]+\n(   at \S+\n)*$"), r.Error);
        Assert.That(r.ExitCode, Is.EqualTo(134));
    }

    [TestCase("hello", "x y")]
    [TestCase("memhog", "0")]
    [TestCase("fuzz", "1")]
    [TestCase("churn", "-5")]
    [TestCase("twins", "child 99 1")]
    public void Bad_arguments_get_a_usage_line_and_status_2(string name, string arguments)
    {
        var r = HostProgramRunner.Run(name, arguments);
        if (name == "hello")
        {
            Assert.That(r.ExitCode, Is.Zero, "hello ignores its arguments");
            return;
        }
        Assert.That(r.Output, Does.StartWith("usage: "));
        Assert.That(r.ExitCode, Is.EqualTo(2));
    }
}
