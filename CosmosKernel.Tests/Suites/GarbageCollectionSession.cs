using System.Text.RegularExpressions;
using MemOS.Tests.Kernel;
using NUnit.Framework;

namespace MemOS.Tests.Suites;

/// <summary>
/// The kernel heap's collector at work: commands leave garbage, `gc` frees it, and everything still reachable —
/// the shell's history, the memory manager's state — survives the collection intact.
/// </summary>
[Category(KernelTestEnvironment.Category)]
[NonParallelizable]
public sealed class GarbageCollectionSession
{
    private static readonly Regex Collected =
        new(@"^gc: (\d+) objects, (\d+) freed \(.+\), (\d+) live; kernel heap used (.+) -> (.+); ");

    [Test]
    public void Gc_frees_what_commands_left_behind_and_keeps_what_is_reachable()
    {
        KernelTestEnvironment.RequireQemu();
        using var shell = ShellSession.Start();
        shell.Run("echo remember this line");
        for (int i = 0; i < 150; i++) shell.Run(i % 3 == 0 ? "help" : i % 3 == 1 ? "meminfo" : "vmmap");
        shell.Run("echo recalled after the collection");

        string gc = shell.Run("gc");
        Match m = Collected.Match(gc);
        Assert.That(m.Success, Is.True, gc);
        Assert.That(long.Parse(m.Groups[2].Value), Is.GreaterThan(1000),
            "150 commands leave more than a thousand dead objects");
        Assert.That(long.Parse(m.Groups[3].Value), Is.GreaterThan(0));

        // reachable state survived: the line editor's history (strings in a list), the shell's commands, the memory
        // manager
        string recalled = shell.Run("\x1b[A\x1b[A").Replace("\r", "");
        Assert.That(recalled[(recalled.LastIndexOf('\n') + 1)..], Is.EqualTo("recalled after the collection"),
            "history entries survive the collection");
        Assert.That(shell.Run("help"), Does.Contain("  gc "));
        string selftest = shell.Run("selftest");
        // no heapd runs in this session: its heap check is the one skip
        Assert.That(selftest, Does.EndWith(", 0 failed, 1 skipped"), selftest);
        Assert.That(selftest, Does.Contain("SKIP user heap check (no heapd running"), selftest);
        Assert.That(shell.Run("heap check"), Is.EqualTo("heap check: ok"));
        string again = shell.Run("gc");
        Assert.That(Collected.Match(again).Success, Is.True, again);
    }
}
