using System;
using System.Text.RegularExpressions;
using MemOS.Tests.Kernel;
using NUnit.Framework;

namespace MemOS.Tests.Suites;

/// <summary>
/// The C# programs of programs.tar run on the kernel in ring 3: hello, seedwalk's chapter numbers, twins' one
/// address with two values, a segv kind, fuzz with the kernel alive, and `pmm` free frames unchanged after hello runs.
/// </summary>
[Category(KernelTestEnvironment.Category)]
[NonParallelizable]
public sealed class CSharpProgramsSession
{
    private ShellSession? _shell;
    private ShellSession Shell => _shell ?? throw new InvalidOperationException("no shell session");

    [OneTimeSetUp]
    public void Boot()
    {
        KernelTestEnvironment.RequireQemu();
        _shell = ShellSession.Start();
        if (!Shell.Run("ls").Contains("hello")) Assert.Ignore("programs.tar was not built (no User/ programs)");
    }

    [OneTimeTearDown]
    public void Shutdown() => _shell?.Dispose();

    [Test]
    public void Hello_prints_its_line()
        => Assert.That(Shell.Run("run hello"), Does.Contain("Hello from a MemOS process!"));

    [Test]
    public void Seedwalk_shows_the_chapters_numbers()
    {
        string output = Shell.Run("run seedwalk");
        Assert.That(output, Does.Contain("b = alloc(10) -> 0x10010"));
        Assert.That(output, Does.Contain("touch b (0x10010): 1 page fault, cr2=0x10010: page 0x10000 mapped"));
        Assert.That(output, Does.Contain("every address and fault as the chapter says"));
    }

    [Test]
    public void Twins_read_their_own_values_at_one_address()
        => Assert.That(Shell.Run("run twins"), Does.Contain("one address, two values"));

    [Test]
    public void Segv_null_kills_only_the_program()
    {
        Assert.That(Shell.Run("run segv null"), Does.Contain("null pointer dereference"));
        Assert.That(Shell.Run("echo still here"), Is.EqualTo("still here"));
    }

    [Test]
    public void Fuzz_answers_every_call_as_expected()
        => Assert.That(Shell.Run("run fuzz 3000 11"), Does.Contain("0 unexpected answer(s)"));

    [Test]
    public void Hello_runs_give_every_frame_back()
    {
        Shell.Run("run hello");
        Shell.Run("gc");
        long before = FramesOutsideKernelHeap();
        for (int i = 0; i < 10; i++)
        {
            Assert.That(Shell.Run("run hello"), Does.Contain("Hello from a MemOS process!"));
            Shell.Run("gc"); // the kernel's own garbage is reused, so its heap barely grows over the runs
        }
        // Only the kernel heap (and the kernel tables that map it) may keep frames: a process's all come back.
        Assert.That(FramesOutsideKernelHeap(), Is.EqualTo(before));
    }

    // Free frames plus the frames the kernel heap (its resident pages: `gc` gives free pages inside it back) and the
    // kernel's page tables hold, all from one meminfo (read at one moment).
    private long FramesOutsideKernelHeap()
    {
        string meminfo = Shell.Run("meminfo");
        Match free = Regex.Match(meminfo, @"^physical: .*, free (\d+) frames", RegexOptions.Multiline);
        Match heap = Regex.Match(meminfo, @"^kernel heap: .*, (\d+) pages resident", RegexOptions.Multiline);
        Match tables = Regex.Match(meminfo, @"page tables: (\d+) frames");
        Assert.That(free.Success && heap.Success && tables.Success, meminfo);
        return long.Parse(free.Groups[1].Value) + long.Parse(heap.Groups[1].Value) + long.Parse(tables.Groups[1].Value);
    }
}
