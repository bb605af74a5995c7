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
/// A seeded random soak of 20,000 shell commands against a model of what is live: allocations and frees in the
/// kernel heap and in heapd's (--user) under both backing modes, writes (and read-backs in the kernel heap), garbage
/// lines, checks. Every output is what the model expects; at the end, with everything freed, heapd holds no block from
/// alloc and checks out, and once it is killed and `gc` run, free frames are within 1 % of boot and the kernel heap
/// within 2x its boot pages. The test output has a census of what holds the kernel heap's pages (HeapCensus);
/// $MEMOS_SOAK_BLOCKS=FILE also writes the final `heap blocks` listing there, with each live block's first 16 bytes
/// (a managed object's MethodTable is the second word: `nm kernel.elf` names it).
/// </summary>
[Category(KernelTestEnvironment.Category)]
[NonParallelizable]
public sealed class MemorySoakSession
{
    private const int Seed = 8;
    /// <summary>Commands in the soak ($MEMOS_SOAK_COMMANDS overrides, for a shorter run by hand).</summary>
    private const int Commands = 20_000;

    [Test]
    public void Twenty_thousand_random_commands_match_the_model_and_memory_comes_back()
    {
        KernelTestEnvironment.RequireQemu();
        using var shell = ShellSession.Start(new BootOptions { Memory = "256M" });
        ulong bootHeap = KernelHeapPages(shell);
        var boot = Gc(shell) with { Kernel = bootHeap };
        TestContext.Out.WriteLine("at boot " + HeapCensus.Of(shell.Run("heap blocks 4096")));
        var random = new Random(Seed);
        var live = new List<(ulong Address, ulong Size, bool User, byte Value)>();
        string heapd = "";
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
                if (user) heapd = Regex.Match(r, @"of pid (\d+)").Groups[1].Value;
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
                string pid = b.User ? $" --pid {heapd}" : "";
                Assert.That(shell.Run($"write {Hex(b.Address + offset)} {value}{pid}"), Does.StartWith("wrote"),
                    $"command {i}");
                if (b.User) continue;
                string read = shell.Run($"read {Hex(b.Address + offset)} 1");
                Assert.That(read, Does.Contain(value.ToString("x2", CultureInfo.InvariantCulture)), $"command {i}");
            }
            else if (op < 84) shell.Run(random.Next(2) == 0 ? "mode demand" : "mode immediate");
            else if (op < 88)
            {
                Assert.That(shell.Run("heap check"), Is.EqualTo("heap check: ok"), $"command {i}");
                Assert.That(shell.Run("heap check --user"), Does.StartWith("user heap check: ok"), $"command {i}");
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
        string userHeap = shell.Run("heap --user");
        TestContext.Out.WriteLine(userHeap);
        Assert.That(userHeap, Does.Contain("; 0 from alloc"), "heapd holds no block from alloc");
        Assert.That(shell.Run("heap check --user"), Does.StartWith("user heap check: ok"));
        Assert.That(shell.Run($"kill {heapd}"), Does.Contain("killed"));
        Gc(shell);
        var end = Gc(shell);
        TestContext.Out.WriteLine(shell.Run("heap"));
        string blocks = shell.Run("heap blocks 4096");
        TestContext.Out.WriteLine("after the soak " + HeapCensus.Of(blocks));
        if (Environment.GetEnvironmentVariable("MEMOS_SOAK_BLOCKS") is { Length: > 0 } dump)
        {
            // each live block's first words (a managed object's MethodTable), to name what stays (docs/heap.md)
            var words = new System.Text.StringBuilder(blocks);
            foreach (Match m in Regex.Matches(blocks, @"^\s+0x([0-9a-f]+)\s+\d+ B\s+used\s+(small|medium|large)",
                         RegexOptions.Multiline))
                words.AppendLine(m.Groups[1].Value + " " + shell.Run($"read 0x{m.Groups[1].Value} 16"));
            System.IO.File.WriteAllText(dump, words.ToString());
        }
        // Frames come back (within 1 %) and the kernel heap keeps at most 2x its boot pages (docs/heap.md, "What holds
        // the pages": the shell's block table no longer keeps freed addresses in the clear for the collector to see).
        AssertDrift(boot, end);
        Assert.That(shell.Run("meminfo"), Does.Contain("0 sharers"));
    }
}
