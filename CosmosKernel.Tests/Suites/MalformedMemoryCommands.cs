using System;
using System.Text;
using System.Threading;
using MemOS.Tests.Kernel;
using NUnit.Framework;

namespace MemOS.Tests.Suites;

/// <summary>
/// 2,000 random and malformed memory command lines — huge numbers, negative and zero sizes, non-canonical, kernel
/// and null addresses, bad flags, empty and overlong lines — leave the kernel answering, its invariants intact.
/// </summary>
[Category(KernelTestEnvironment.Category)]
[NonParallelizable]
public sealed class MalformedMemoryCommands
{
    private static readonly string[] Commands =
        ["alloc", "free", "touch", "read", "write", "map", "unmap", "pagewalk", "pmm", "pmm alloc", "pmm free",
         "pmm map", "heap", "heap blocks", "heap check", "mode", "vmmap", "faults", "meminfo", "trace", "selftest",
         "memmap", "help", "echo"];

    private static readonly string[] Arguments =
        ["0", "-1", "-4096", "1", "5", "4096", "4K", "1M", "16M", "1G", "1T", "99999999999999999999999",
         "18446744073709551615", "0x0", "0x10", "0x10010", "0x400000", "0x10000000", "0xffff800000000000",
         "0xffffc00000000000", "0xffffe00010000000", "0xffffffff80100000", "0xffffffff80101000", "0x0000800000000000",
         "0xfffffffffffff000", "0xdeadbeef", "0x", "0xg1", "r", "w", "x", "rw", "rwx", "rwu", "q", "--user", "--align",
         "--align 3", "--align 4096", "--bogus", "on", "off", "immediate", "demand", "lazy", "\"quoted arg\"", "",
         "%s%n", "..", "-", "+5", "5K5", "0b101", "1e9"];

    // An overall bound (each line has its own 30 s): past it the loop stops and the test fails, QEMU is killed.
    private const int Bound = 15 * 60 * 1000;

    [Test]
    [CancelAfter(Bound)]
    public void Two_thousand_random_and_malformed_lines_leave_the_kernel_answering(CancellationToken cancel)
    {
        KernelTestEnvironment.RequireQemu();
        using var shell = ShellSession.Start(new BootOptions { Timeout = TimeSpan.FromMinutes(10) });
        var random = new Random(4096);
        for (int i = 0; i < 2000; i++)
        {
            if (cancel.IsCancellationRequested) Assert.Fail($"over {Bound / 1000} s: stopped at line {i}");
            var line = new StringBuilder();
            switch (random.Next(10))
            {
                case 0: // empty or blank
                    line.Append(' ', random.Next(3));
                    break;
                case 1: // overlong (the editor caps lines)
                    line.Append(Commands[random.Next(Commands.Length)]).Append(' ').Append('9', 1500);
                    break;
                case 2: // printable garbage
                    for (int c = random.Next(1, 80); c > 0; c--) line.Append((char)random.Next(0x20, 0x7F));
                    break;
                default:
                    line.Append(Commands[random.Next(Commands.Length)]);
                    for (int n = random.Next(0, 4); n > 0; n--)
                        line.Append(' ').Append(Arguments[random.Next(Arguments.Length)]);
                    break;
            }
            string output = shell.Run(line.ToString(), TimeSpan.FromSeconds(30));
            Assert.That(output, Does.Not.Contain("PANIC"), $"line {i}: {line}");
        }
        Assert.That(shell.Run("echo alive"), Is.EqualTo("alive"));
        string selftest = shell.Run("selftest", TimeSpan.FromSeconds(60));
        Assert.That(selftest, Does.EndWith(", 0 failed, 0 skipped"), selftest);
    }
}
