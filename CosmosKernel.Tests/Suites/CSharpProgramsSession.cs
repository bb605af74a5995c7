using System;
using System.Text.RegularExpressions;
using MemOS.Tests.Kernel;
using NUnit.Framework;

namespace MemOS.Tests.Suites;

/// <summary>
/// The C# programs of programs.tar run on the kernel in ring 3: hello, seedwalk's chapter numbers, twins' one
/// address with two values, segv kinds, exceptions (faults caught as exceptions, uncaught ones reported), `mode` and
/// `trace` for processes, fuzz with the kernel alive, and `pmm` free frames unchanged after hello runs.
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
    public void Segv_de_in_asm_is_given_back_by_the_runtime_and_kills_the_program()
    {
        // The runtime's fault handler gets the #DE (it registered for it) but the instruction is asm, not managed
        // code: it hands the fault back and the kernel kills the process with the line it would have had anyway.
        string output = Shell.Run("run segv de");
        Assert.That(output, Does.Match(@"pid \d+ \(segv\): killed by vector 0 \(#DE divide error\) .*: divide error"));
        Assert.That(output, Does.Contain("killed by signal 8"));
        Assert.That(output, Does.Not.Contain("unhandled exception"));
    }

    [Test]
    public void Exceptions_catches_its_own_faults_and_an_uncaught_exception_ends_only_it()
    {
        string output = Shell.Run("run exceptions");
        Assert.That(output, Does.Contain("caught ArgumentException through a filter: argument 0\nfinally ran"));
        Assert.That(output, Does.Match(@"caught NullReferenceException from a null dereference, thrown at:\n"
            + @"   at Program\.Dereference\+0x[0-9a-f]+\n   at Program\.CatchFaults\+0x"), output);
        Assert.That(output, Does.Match(@"caught DivideByZeroException from #DE, thrown at:\n"
            + @"   at Program\.Divide\+0x[0-9a-f]+\n   at Program\.CatchFaults\+0x"), output);
        Assert.That(output, Does.Match(@"exceptions: unhandled exception: System\.InvalidOperationException: "
            + @"this one is not caught\n   at Program\.Main\+0x[0-9a-f]+\n"), output);
        Assert.That(output, Does.Match(@"\[\d+\] exceptions exited with status 134"));
        Assert.That(output, Does.Not.Contain("killed by vector"), "a caught fault kills nothing");
        Assert.That(Shell.Run("echo still here"), Is.EqualTo("still here"));
    }

    [TestCase("null", "System.NullReferenceException", "Dereference", 14, "null pointer dereference", 11)]
    [TestCase("divide", "System.DivideByZeroException", "Divide", 0, "divide error", 8)]
    public void An_uncaught_fault_prints_the_exception_then_the_segfault_line(string kind, string type,
        string method, int vector, string reason, int signal)
    {
        Shell.Run("run exceptions " + kind);
        Shell.Run("gc");
        long before = FramesOutsideKernelHeap();
        string output = Shell.Run("run exceptions " + kind);
        Shell.Run("gc");
        Assert.That(FramesOutsideKernelHeap(), Is.EqualTo(before), "a killed program's frames all come back");
        Assert.That(output, Does.Match($@"exceptions: unhandled exception: {Regex.Escape(type)}: \S+\n"
            + $@"   at Program\.{method}\+0x[0-9a-f]+\n   at Program\.Main\+0x"), output);
        Assert.That(output, Does.Match($@"pid \d+ \(exceptions\): killed by vector {vector} .* "
            + $@"ip 0x[0-9a-f]+ \(Program\.{method}\+0x[0-9a-f]+\) sp .*{reason}"), output);
        Assert.That(output, Does.Contain($"killed by signal {signal}"));
        Assert.That(output.IndexOf("unhandled exception", StringComparison.Ordinal),
            Is.LessThan(output.IndexOf("killed by vector", StringComparison.Ordinal)), "the trace, then the kill");
        Assert.That(Shell.Run("echo still here"), Is.EqualTo("still here"));
    }

    [Test]
    public void Mode_sets_the_heap_backing_of_programs_started_afterwards()
    {
        try
        {
            Assert.That(Shell.Run("mode demand"), Does.Contain("backing: demand"));
            string pid = Started(Shell.Run("run upcase &")); // waits for input in the background: alive for vmmap
            string map = MapOnceItsHeapExists(pid);
            Assert.That(map, Does.Match(@"\[heap\]  demand"), map);
            Assert.That(map, Does.Match(@"\[mmap\]  demand, \d+/\d+ pages resident"), "the C# heap: no MAP_POPULATE");
            Assert.That(map, Does.Not.Contain("[mmap]  immediate"), map);
            Assert.That(Shell.Run("kill " + pid), Does.Contain("killed"));

            Assert.That(Shell.Run("mode immediate"), Does.Contain("backing: immediate"));
            pid = Started(Shell.Run("run upcase &"));
            map = MapOnceItsHeapExists(pid);
            Assert.That(map, Does.Match(@"\[heap\]  immediate"), map);
            Assert.That(map, Does.Match(@"\[mmap\]  immediate, (\d+)/\1 pages resident"), "MAP_POPULATE: all resident");
            Assert.That(map, Does.Not.Contain("[mmap]  demand"), map);
            Assert.That(Shell.Run("kill " + pid), Does.Contain("killed"));
        }
        finally
        {
            Shell.Run("mode immediate");
        }
    }

    [Test]
    public void Trace_narrates_a_programs_faults_with_its_pid_and_faults_lists_them()
    {
        string output;
        Assert.That(Shell.Run("trace on"), Does.StartWith("trace: on"));
        try
        {
            output = Shell.Run("run seedwalk");
        }
        finally
        {
            Shell.Run("trace off");
        }
        Match m = Regex.Match(output, @"in process (\d+)");
        Assert.That(m.Success, Is.True, output);
        string pid = m.Groups[1].Value;
        // the last touch: d's last byte maps page 0x11000 of the demand-backed chapter heap
        Assert.That(output, Does.Contain($"  pid {pid} fault: page fault at 0x1100f (write, not present, user)"));
        Assert.That(output, Does.Match($@"  pid {pid} fault: region \S+ \(demand\): private zeroed frame mapped"));
        Assert.That(output, Does.Match($@"  pid {pid} PMM: frame 0x[0-9a-f]+ taken"));
        Assert.That(output, Does.Match($@"  pid {pid} page table: PT entry for 0x11000 -> 0x[0-9a-f]+"));
        Assert.That(output, Does.Not.Contain("  pid 0 "), "only the program's own events");
        Assert.That(Shell.Run("faults 3"), Does.Match($@"pid {pid} cr2=0x1100f write, not present, user"));
    }

    // A background program maps its C# heap once it has run a little: ask until it has (or give up after 10 s).
    private string MapOnceItsHeapExists(string pid)
    {
        string map = "";
        for (int i = 0; i < 50; i++)
        {
            map = Shell.Run("vmmap " + pid);
            if (map.Contains("[mmap]", StringComparison.Ordinal)) return map;
            System.Threading.Thread.Sleep(200);
        }
        Assert.Fail("the program never mapped its heap:\n" + map);
        return map;
    }

    private static string Started(string output)
    {
        Match m = Regex.Match(output, @"\[(\d+)\] ");
        Assert.That(m.Success, Is.True, output);
        return m.Groups[1].Value;
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

    // Free frames plus the frames the kernel heap and the kernel's page tables hold.
    private long FramesOutsideKernelHeap()
    {
        long free = long.Parse(FreeFrames(Shell.Run("pmm")).Substring("free ".Length));
        string meminfo = Shell.Run("meminfo");
        Match heap = Regex.Match(meminfo, @"kernel heap: size (\d+) B");
        Match tables = Regex.Match(meminfo, @"page tables: (\d+) frames");
        Assert.That(heap.Success && tables.Success, meminfo);
        return free + long.Parse(heap.Groups[1].Value) / 4096 + long.Parse(tables.Groups[1].Value);
    }

    private static string FreeFrames(string pmm)
    {
        int at = pmm.IndexOf("free ", StringComparison.Ordinal);
        Assert.That(at, Is.GreaterThanOrEqualTo(0), pmm);
        return pmm.Substring(at, pmm.IndexOf(',', at) - at);
    }
}
