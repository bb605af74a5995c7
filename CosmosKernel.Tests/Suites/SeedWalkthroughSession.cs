using System;
using System.Text.RegularExpressions;
using MemOS.Tests.Kernel;
using NUnit.Framework;

namespace MemOS.Tests.Suites;

/// <summary>
/// The seed's walkthrough typed at the shell, in a process's heap (heapd: `alloc --user` is done by the process's own
/// heap code in ring 3, and the cost is what its address space shows). The chapter's literal numbers are `run
/// seedwalk`'s (CSharpProgramsSession); here: in demand mode a large block costs only the pages the heap writes,
/// the first touch of its far end costs exactly one fault and one page, a second touch in that page none; in
/// immediate mode the heap's growth is backed at once and nothing faults.
/// </summary>
[Category(KernelTestEnvironment.Category)]
[NonParallelizable]
public sealed class SeedWalkthroughSession
{
    [Test]
    public void Demand_mode_a_block_costs_the_pages_the_heap_writes_and_its_far_end_one_fault_when_touched()
    {
        KernelTestEnvironment.RequireQemu();
        using var shell = ShellSession.Start();
        Assert.That(shell.Run("mode demand"), Does.StartWith("backing: demand"));
        var small = ProcessHeapSession.Alloc(shell, "alloc 5 --user");
        Assert.That(small.Faults, Is.LessThanOrEqualTo(2), "a slab header's page at most (and its table)");
        var big = ProcessHeapSession.Alloc(shell, "alloc 64K --user");
        Assert.That(big.Pages, Is.LessThanOrEqualTo(2), "only the pages holding the heap's own words");
        ulong last = big.Address + 65535;
        string touch = shell.Run($"write {ProcessHeapSession.Hex(last)} 1 --pid {big.Pid}");
        Assert.That(touch, Does.Contain("after a page fault (write, not present").And.Contain("private zeroed frame"),
            touch);
        Assert.That(shell.Run($"write {ProcessHeapSession.Hex(last - 8)} 2 --pid {big.Pid}"),
            Does.Not.Contain("fault"), "a second touch in the page does not fault");
        string ps = shell.Run("ps");
        Assert.That(ps, Does.Match($@"\s{big.Pid} serve +\d+ pages .*heapd"), ps);
    }

    [Test]
    public void Immediate_mode_maps_at_growth_and_never_faults()
    {
        KernelTestEnvironment.RequireQemu();
        using var shell = ShellSession.Start();
        Assert.That(shell.Run("mode"), Is.EqualTo("backing: immediate"));
        ProcessHeapSession.Alloc(shell, "alloc 64 --user"); // heapd starts (its own start-up faults are its stack's)
        var a = ProcessHeapSession.Alloc(shell, "alloc 5 --user");
        var b = ProcessHeapSession.Alloc(shell, "alloc 10 --user");
        var c = ProcessHeapSession.Alloc(shell, "alloc 100 --user");
        Assert.That(a.Faults + b.Faults + c.Faults, Is.Zero);
        var big = ProcessHeapSession.Alloc(shell, "alloc 1M --user");
        Assert.That(big.Faults, Is.Zero);
        Assert.That(big.Pages, Is.GreaterThanOrEqualTo(240), "growth mapped the heap's pages at once");
        string touch = shell.Run($"write {ProcessHeapSession.Hex(big.Address + 1048575)} 1 --pid {big.Pid}");
        Assert.That(touch, Does.StartWith("wrote").And.Not.Contain("fault"), touch);
        Assert.That(Regex.IsMatch(shell.Run("heap --user"), @"; 5 from alloc"), Is.True);
    }
}
