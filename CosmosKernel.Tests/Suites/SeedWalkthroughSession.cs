using System;
using System.Globalization;
using System.Text.RegularExpressions;
using MemOS.Tests.Kernel;
using NUnit.Framework;

namespace MemOS.Tests.Suites;

/// <summary>
/// The seed's walkthrough typed at the shell, on the user heap (fresh at the prompt: the kernel heap also serves
/// managed `new`): in demand mode alloc 5/10/100 land in one page with one fault; an allocation crossing a page
/// boundary costs exactly one more page when its end is used; in immediate mode nothing faults.
/// </summary>
[Category(KernelTestEnvironment.Category)]
[NonParallelizable]
public sealed class SeedWalkthroughSession
{
    private static readonly Regex Allocated = new(
        @"^allocated (\d+) B at 0x([0-9a-f]+) in the user heap: "
        + @"(\d+) new page\(s\) mapped, (\d+) page fault\(s\)$");

    private static (ulong Address, int Pages, int Faults) Alloc(ShellSession shell, string line)
    {
        string output = shell.Run(line);
        Match m = Allocated.Match(output);
        Assert.That(m.Success, Is.True, $"'{line}' printed: {output}");
        return (ulong.Parse(m.Groups[2].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture),
            int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture),
            int.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture));
    }

    [Test]
    public void Demand_mode_alloc_5_10_100_land_in_one_page_with_one_fault_and_a_crossing_block_costs_one_more_page()
    {
        KernelTestEnvironment.RequireQemu();
        using var shell = ShellSession.Start();
        Assert.That(shell.Run("mode demand"), Does.StartWith("backing: demand"));
        var a = Alloc(shell, "alloc 5 --user");
        var b = Alloc(shell, "alloc 10 --user");
        var c = Alloc(shell, "alloc 100 --user");
        Assert.That(a.Address < b.Address && b.Address < c.Address, Is.True, "addresses increase");
        Assert.That(a.Address >> 12, Is.EqualTo((c.Address + 99) >> 12), "all three in one page");
        Assert.That(a.Pages + b.Pages + c.Pages, Is.EqualTo(1), "exactly one frame mapped");
        Assert.That(a.Faults + b.Faults + c.Faults, Is.EqualTo(1), "exactly one page fault");

        var big = Alloc(shell, "alloc 4000 --user");
        ulong last = big.Address + 3999;
        Assert.That(last >> 12, Is.EqualTo((big.Address >> 12) + 1), "the 4000-byte block crosses into the next page");
        Assert.That(big.Pages, Is.Zero, "the heap does not touch the block's end");
        string touch = shell.Run($"touch 0x{last:x} w");
        Assert.That(touch, Does.Contain("page fault (write, not present").And.Contain("private zeroed frame"), touch);
        Assert.That(shell.Run($"touch 0x{last - 8:x} w"), Does.EndWith("no fault (present)"),
            "a second touch in the page does not fault");
        // in demand mode the kernel heap (behind every managed `new`) may fault too: count the user heap's faults only
        Assert.That(UserHeapFaults(shell.Run("faults 64")), Is.EqualTo(2),
            "the first allocation and the crossing block's new page");
    }

    private static int UserHeapFaults(string faults)
    {
        int count = 0;
        foreach (Match m in Regex.Matches(faults, @"cr2=0x([0-9a-f]+) "))
            if (ulong.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture)
                is >= 0x1000_0000 and < 0x2000_0000)
                count++;
        return count;
    }

    [Test]
    public void Immediate_mode_maps_at_growth_and_never_faults()
    {
        KernelTestEnvironment.RequireQemu();
        using var shell = ShellSession.Start();
        Assert.That(shell.Run("mode"), Is.EqualTo("backing: immediate"));
        var a = Alloc(shell, "alloc 5 --user");
        var b = Alloc(shell, "alloc 10 --user");
        var c = Alloc(shell, "alloc 100 --user");
        Assert.That(a.Faults + b.Faults + c.Faults, Is.Zero);
        Assert.That(a.Pages, Is.GreaterThanOrEqualTo(1), "growth mapped the heap's pages at once");
        Assert.That(shell.Run($"touch 0x{c.Address + 99:x} w"), Does.EndWith("no fault (present)"));
        Assert.That(shell.Run("faults 1"), Does.StartWith("faults: 0 total"));
    }
}
