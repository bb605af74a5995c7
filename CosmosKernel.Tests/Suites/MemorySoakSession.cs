using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.RegularExpressions;
using MemOS.Tests.Kernel;
using NUnit.Framework;
using static MemOS.Tests.Suites.HostileMemorySession;
using static MemOS.Tests.Suites.MemoryDriftSession;

namespace MemOS.Tests.Suites;

/// <summary>
/// A seeded random soak of 20,000 shell commands against a model of what is live: allocations and frees in both
/// heaps under both backing modes, writes and read-backs, garbage lines, checks. Every output is what the model
/// expects; at the end, with everything freed and `gc` run, free frames are within 1 % of boot and the user heap holds
/// nothing: no live block, no resident page, no fragmentation.
/// </summary>
[Category(KernelTestEnvironment.Category)]
[NonParallelizable]
public sealed class MemorySoakSession
{
    private const int Seed = 8;
    /// <summary>Commands in the soak ($MEMOS_SOAK_COMMANDS overrides, for a shorter run by hand).</summary>
    private const int Commands = 20_000;
    private static readonly Regex UserHeapStats = new(@"largest free block (\d+) B, fragmentation ([0-9.]+)");

    [Test]
    public void Twenty_thousand_random_commands_match_the_model_and_memory_comes_back()
    {
        KernelTestEnvironment.RequireQemu();
        using var shell = ShellSession.Start(new BootOptions { Memory = "256M" });
        ulong bootHeap = KernelHeapPages(shell);
        var boot = Gc(shell) with { Kernel = bootHeap };
        var random = new Random(Seed);
        var live = new List<(ulong Address, ulong Size, bool User, byte Value)>();
        int commands = int.TryParse(Environment.GetEnvironmentVariable("MEMOS_SOAK_COMMANDS"), out int n)
            ? n : Commands;
        for (int i = 0; i < commands; i++)
        {
            int op = random.Next(100);
            if (op < 35 || live.Count == 0)
            {
                bool user = random.Next(2) == 0;
                ulong size = random.Next(10) switch
                {
                    < 6 => (ulong)random.Next(1, 2049),
                    < 9 => (ulong)random.Next(2049, 32768),
                    _ => (ulong)random.Next(32768, 300_000),
                };
                string r = shell.Run(user ? $"alloc {size} --user" : $"alloc {size}");
                Assert.That(r, Does.StartWith("allocated"), $"command {i}: alloc {size}");
                live.Add((AddressOf(r), size, user, 0));
            }
            else if (op < 65)
            {
                int k = random.Next(live.Count);
                var b = live[k];
                live.RemoveAt(k);
                Assert.That(shell.Run(b.User ? $"free {Hex(b.Address)} --user" : $"free {Hex(b.Address)}"),
                    Does.StartWith("freed"), $"command {i}");
            }
            else if (op < 80)
            {
                int k = random.Next(live.Count);
                var b = live[k];
                ulong offset = (ulong)random.NextInt64((long)b.Size);
                byte value = (byte)random.Next(1, 256);
                Assert.That(shell.Run($"write {Hex(b.Address + offset)} {value}"), Does.StartWith("wrote"),
                    $"command {i}");
                string read = shell.Run($"read {Hex(b.Address + offset)} 1");
                Assert.That(read, Does.Contain(value.ToString("x2", CultureInfo.InvariantCulture)), $"command {i}");
            }
            else if (op < 84) shell.Run(random.Next(2) == 0 ? "mode demand" : "mode immediate");
            else if (op < 88)
            {
                Assert.That(shell.Run("heap check"), Is.EqualTo("heap check: ok"), $"command {i}");
                Assert.That(shell.Run("heap check --user"), Is.EqualTo("user heap check: ok"), $"command {i}");
            }
            else if (op < 92)
            {
                char[] chars = new char[random.Next(1, 200)];
                for (int c = 0; c < chars.Length; c++) chars[c] = (char)random.Next(0x21, 0x7F);
                shell.Run(new string(chars));
            }
            else if (op < 96) Assert.That(shell.Run("meminfo"), Does.Contain("kernel heap"));
            else Assert.That(shell.Run($"echo soak {i}"), Is.EqualTo($"soak {i}"));
        }
        foreach (var b in live)
            Assert.That(shell.Run(b.User ? $"free {Hex(b.Address)} --user" : $"free {Hex(b.Address)}"),
                Does.StartWith("freed"));
        Gc(shell);
        var end = Gc(shell);
        TestContext.Out.WriteLine(shell.Run("heap"));
        // Frames come back (within 1 %); the kernel heap's pages are reported, not bounded: live shell objects stay
        // scattered where they landed across the span the soak's large blocks grew it to (docs/heap.md).
        AssertDrift(boot, end, kernelBound: false);
        string userHeap = shell.Run("heap --user");
        TestContext.Out.WriteLine(userHeap);
        Assert.That(userHeap, Does.Contain("live allocations 0 "));
        Match m = UserHeapStats.Match(userHeap);
        Assert.That(m.Success, Is.True, userHeap);
        Assert.That(double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), Is.EqualTo(0.0),
            "no fragmentation left");
        Assert.That(end.User, Is.EqualTo(0UL), "no user heap page resident");
        Assert.That(shell.Run("meminfo"), Does.Contain("0 sharers"));
    }
}
