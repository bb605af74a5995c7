using System;
using System.Text.RegularExpressions;
using MemOS.Tests.Kernel;
using NUnit.Framework;

namespace MemOS.Tests.Suites;

/// <summary>
/// Exceptions at the shell: a command that throws (in C#, or through a CPU fault, or out of memory) is reported as
/// `error: TYPE: message` and the shell carries on with its state intact; the heap the failed command filled comes
/// back; `faults` names the faulting method.
/// </summary>
[Category(KernelTestEnvironment.Category)]
[NonParallelizable]
public sealed class ExceptionShellSession
{
    private static readonly Regex HeapUsed = new(@"kernel heap: size \d+ B \(.+?\), used (\d+) B");

    private static long Used(string meminfo)
    {
        Match m = HeapUsed.Match(meminfo);
        Assert.That(m.Success, Is.True, meminfo);
        return long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [Test]
    public void Commands_that_throw_are_reported_and_the_shell_survives()
    {
        KernelTestEnvironment.RequireQemu();
        using var shell = ShellSession.Start(new BootOptions { Memory = "64M" });
        shell.Run("echo before");
        Assert.That(shell.Run("throw message hello"), Is.EqualTo("error: System.InvalidOperationException: hello"));
        Assert.That(shell.Run("throw null"), Does.StartWith("error: System.NullReferenceException: "));
        Assert.That(shell.Run("throw divide"), Does.StartWith("error: System.DivideByZeroException: "));
        Assert.That(shell.Run("throw nonsense"), Does.StartWith("throw: unknown kind 'nonsense'"));

        // the null dereference was a page fault in the null guard; faults names the method it happened in
        string faults = shell.Run("faults 1");
        Assert.That(faults,
            Does.Match(@"cr2=0x8 read, not present, kernel rip=0x[0-9a-f]+ \(MemOS\.Kernel\.\S+\+0x[0-9a-f]+\)"),
            faults);

        long usedBefore = Used(shell.Run("meminfo"));
        string oom = shell.Run("throw oom", TimeSpan.FromSeconds(120));
        Assert.That(oom, Does.StartWith("error: System.OutOfMemoryException: "), oom);
        long usedAfter = Used(shell.Run("meminfo"));
        Assert.That(usedAfter, Is.LessThan(usedBefore + 4 * 1024 * 1024),
            "the arrays the failed command allocated are collected");

        // state intact: history, the heap's own consistency check, the self test, more allocations
        Assert.That(shell.Run("heap check"), Is.EqualTo("heap check: ok"));
        string selftest = shell.Run("selftest");
        Assert.That(selftest, Does.Contain(" passed, 0 failed"), selftest);
        Assert.That(shell.Run("echo after"), Is.EqualTo("after"));
        Assert.That(shell.Run("throw oom", TimeSpan.FromSeconds(120)),
            Does.StartWith("error: System.OutOfMemoryException: "),
            "a second exhaustion is caught the same way");
    }
}
