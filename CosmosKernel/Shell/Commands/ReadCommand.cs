using System;
using System.Text;
using MemOS.Kernel.MemoryManagement;
using MemOS.Memory;

namespace MemOS.Kernel.Shell.Commands;

/// <summary>
/// read: a hexdump of N bytes, each byte a real read through SafeAccess (demand pages fault in as the zero page);
/// it stops at the first page the fault handler refuses, with the reason.
/// </summary>
internal sealed class ReadCommand : Command
{
    private const ulong DefaultCount = 64, MaxCount = 4096;

    public override string Name => "read";
    public override string Usage => "read ADDR [N] [--pid N]";
    public override string Description
        => "hexdump N bytes (default 64, at most 4096) read for real; stops at a refused page";
    public override string Details =>
        "  examples:\n" +
        "    read 0xffffc00000001230         0xffffc00000001230  48 65 6c 6c 6f 00 ...  |Hello.|\n" +
        "    read 0x0 16                     read: stopped at 0x0: refused: no region (no region)\n" +
        "    read 0x10000000 16 --pid 3      in pid 3's address space (its user half only)";

    public override void Execute(Shell shell, Arguments args)
    {
        if (!args.TakeOption("--pid", out string? pidText))
        {
            Shell.UsageError(this, "--pid needs a process id");
            return;
        }
        if (!MemoryArguments.CheckCount(this, args, 1, 2)) return;
        if (!MemoryArguments.TryCanonical(this, args[0], out ulong address)) return;
        ulong count = DefaultCount;
        if (args.Count == 2 && (!Arguments.TryParseSize(args[1], out count) || count == 0 || count > MaxCount))
        {
            Shell.UsageError(this, $"N must be 1..4096, not '{Shell.Printable(args[1])}'");
            return;
        }
        if (!new VirtualAddress(address + count - 1).IsCanonical || address + count - 1 < address)
        {
            Console.WriteLine($"read: {Format.Hex(address)}+{count} runs past the canonical half");
            return;
        }
        KernelMemory? m = shell.Session.RequireMemory(this);
        if (m == null) return;
        Processes.Process? p = null;
        if (pidText != null)
        {
            p = ProcessArgument.Find(this, pidText);
            if (p == null) return;
            if (!Processes.UserMemory.IsUserRange(address, count))
            {
                Console.WriteLine($"read: {Format.Hex(address)}+{count}: --pid reads only the process's user half");
                return;
            }
        }

        var hex = new StringBuilder();
        var text = new StringBuilder();
        for (ulong line = 0; line < count; line += 16)
        {
            hex.Clear();
            text.Clear();
            ulong n = Math.Min(16, count - line);
            for (ulong i = 0; i < n; i++)
            {
                ulong at = address + line + i;
                var window = AccessWindow.Open(m);
                bool ok;
                byte b;
                if (p == null) ok = SafeAccess.TryRead8(at, out b);
                else
                    using (ProcessSpaceScope.Enter(p))
                        ok = SafeAccess.TryRead8(at, out b);
                window = window.Close(m);
                if (!ok)
                {
                    if (i > 0) Print(address + line, hex, text);
                    string outcome = AccessOutcome.Describe(m, window, "refused");
                    Console.WriteLine($"read: stopped at {Format.Hex(at)}: {outcome}");
                    return;
                }
                hex.Append(b.ToString("x2")).Append(' ');
                text.Append(b >= 0x20 && b < 0x7F ? (char)b : '.');
            }
            Print(address + line, hex, text);
        }
    }

    private static void Print(ulong address, StringBuilder hex, StringBuilder text)
        => Console.WriteLine($"{Format.Pad(Format.Hex(address), 18)}  {Format.Pad(hex.ToString(), 48)} |{text}|");
}
