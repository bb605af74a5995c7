using System;
using System.Diagnostics;
using MemOS.Tests.Kernel;
using NUnit.Framework;
using static MemOS.Tests.Suites.MemoryDriftSession;

namespace MemOS.Tests.Suites;

/// <summary>
/// Long input: a 100 KB line is read, capped at the line editor's 1 KiB and echoed, and long lines leave nothing in
/// the kernel heap beyond what the history holds (its documented bound) once `gc` has run.
/// </summary>
[Category(KernelTestEnvironment.Category)]
[NonParallelizable]
public sealed class LongInputSession
{
    private const int MaxLineLength = 1024;

    [Test]
    public void A_100_KB_line_is_read_and_capped()
    {
        KernelTestEnvironment.RequireQemu();
        using var shell = ShellSession.Start();
        var watch = Stopwatch.StartNew();
        string output = shell.Run("echo " + new string('x', 100_000));
        TestContext.Out.WriteLine($"100 KB line: prompt back after {watch.ElapsedMilliseconds} ms");
        Assert.That(output.Trim('\n'), Does.EndWith(new string('x', MaxLineLength - "echo ".Length)));
        Assert.That(output, Does.Not.Contain(new string('x', MaxLineLength)), "capped at the line editor's limit");
        Assert.That(shell.Run("echo after"), Is.EqualTo("after"));
    }

    [Test]
    public void Long_lines_leave_no_more_than_the_history_bound()
    {
        KernelTestEnvironment.RequireQemu();
        using var shell = ShellSession.Start();
        var before = Gc(shell);
        for (int i = 0; i < 70; i++) shell.Run($"echo {i:D3}" + new string((char)('a' + i % 26), 896));
        Gc(shell);
        var after = Gc(shell);
        TestContext.Out.WriteLine(
            $"kernel heap {before.Kernel} -> {after.Kernel} pages after 70 lines of 900 characters");
        // The history keeps its last lines within HistoryChars characters (2 bytes each): that much may stay.
        ulong historyPages = (ulong)(HistoryChars * 2 / 4096) + 1;
        Assert.That(after.Kernel, Is.LessThanOrEqualTo(before.Kernel + historyPages + 4));
        Assert.That((double)after.Free, Is.GreaterThanOrEqualTo(before.Free * 0.99));
    }

    /// <summary>LineEditor.HistoryChars: the history's bound in characters.</summary>
    private const int HistoryChars = 16 * 1024;
}
