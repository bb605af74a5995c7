using System;
using System.Text.RegularExpressions;
using MemOS.Tests.Kernel;
using NUnit.Framework;

namespace MemOS.Tests.Suites;

/// <summary>
/// The process commands as a user types them over serial: ls, run (foreground and &amp;), ps, vmmap PID,
/// pagewalk ADDR PID, kill, and a segfault line after which the prompt comes back.
/// </summary>
[Category(KernelTestEnvironment.Category)]
[NonParallelizable]
public sealed class ProcessShellSession
{
    private ShellSession? _shell;
    private ShellSession Shell => _shell ?? throw new InvalidOperationException("no shell session");

    [OneTimeSetUp]
    public void Boot()
    {
        KernelTestEnvironment.RequireQemu();
        _shell = ShellSession.Start();
    }

    [OneTimeTearDown]
    public void Shutdown() => _shell?.Dispose();

    [Test]
    public void Ls_lists_the_c_programs()
    {
        string ls = Shell.Run("ls");
        Assert.That(ls, Does.Contain("chello"));
        Assert.That(ls, Does.Contain("ctest"));
    }

    [Test]
    public void Run_prints_the_programs_output_and_the_prompt_returns()
    {
        string output = Shell.Run("run chello x");
        Assert.That(output, Does.Contain("chello: argc=2 argv[0]=chello argv[1]=x"));
        Assert.That(output, Does.Contain("chello: done"));
        Assert.That(Shell.Run("echo still here"), Is.EqualTo("still here"));
    }

    [Test]
    public void A_segfault_prints_one_line_and_the_shell_carries_on()
    {
        string output = Shell.Run("run ctest segv null");
        Assert.That(output, Does.Match(@"pid \d+ \(ctest\): killed by vector 14 \(#PF page fault\) at 0x0 "
            + @"ip 0x[0-9a-f]+ .*null pointer dereference"));
        Assert.That(output, Does.Contain("killed by signal 11"));
        Assert.That(Shell.Run("echo still here"), Is.EqualTo("still here"));
    }

    [Test]
    public void Background_process_shows_in_ps_vmmap_and_pagewalk_then_kill_ends_it()
    {
        string started = Shell.Run("run ctest sleep 60000 &");
        Match m = Regex.Match(started, @"\[(\d+)\] ctest");
        Assert.That(m.Success, Is.True, started);
        string pid = m.Groups[1].Value;
        Assert.That(Shell.Run("ps"), Does.Match($@"\s{pid} (ready|sleep) .*ctest sleep 60000"));
        string map = Shell.Run("vmmap " + pid);
        Assert.That(map, Does.Contain("[text]"));
        Assert.That(map, Does.Contain("[stack]"));
        Assert.That(map, Does.Contain("[kernel stack]"));
        Assert.That(Shell.Run("pagewalk 0x401000 " + pid), Does.Contain("region text"));
        Assert.That(Shell.Run("meminfo"), Does.Contain($"process {pid} (ctest)"));
        Assert.That(Shell.Run("kill " + pid), Does.Contain($"[{pid}] ctest killed"));
        Assert.That(Shell.Run("ps"), Does.Not.Contain("ctest sleep"));
        Assert.That(Shell.Run("kill " + pid), Does.Contain("no process"));
    }

    [Test]
    public void Bad_arguments_get_one_line_errors()
    {
        Assert.That(Shell.Run("run no-such-program"), Does.Contain("no-such-program: no such program"));
        Assert.That(Shell.Run("run"), Does.Contain("usage: run"));
        Assert.That(Shell.Run("kill abc"), Does.Contain("is not a pid"));
        Assert.That(Shell.Run("vmmap 999"), Does.Contain("no live process 999"));
        Assert.That(Shell.Run("kill 0"), Does.Contain("pid 0 is the kernel"));
    }
}
