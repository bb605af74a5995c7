using System;
using System.Threading;
using MemOS.User.Runtime;

/// <summary>
/// Two processes, one virtual address, two values: `twins [MILLISECONDS]` starts two copies of itself
/// (memos_spawn, without waiting), each maps the page 0x200000, writes its own value there, waits (default 2000 ms:
/// time for `vmmap PID` of each), reads the address back and prints what it finds. Each address space is its own,
/// so each reads its own value. Exit status 0 when both children did.
/// </summary>
internal static unsafe class Program
{
    private const ulong Address = 0x20_0000;

    private static int Main(string[] args)
    {
        if (args.Length >= 1 && args[0] == "child") return Child(args);
        long wait = 2000;
        if (args.Length > 1 || (args.Length == 1 && (!long.TryParse(args[0], out wait) || wait < 0 || wait > 600_000)))
        {
            Console.WriteLine(
                "usage: twins [MILLISECONDS]   (how long each twin keeps its page, 0-600000; default 2000)");
            return 2;
        }
        string self = ProcessStart.ProgramName;
        long[] pids = new long[2];
        for (int i = 0; i < 2; i++)
        {
            pids[i] = MemOSCalls.SpawnProgram(
                self, new[] { self, "child", (i + 1).ToString(), wait.ToString() }, MemOSCalls.SpawnNoWait);
            if (pids[i] < 0)
            {
                Console.WriteLine($"twins: memos_spawn {self}: {Errno.Name(pids[i])}");
                return 1;
            }
        }
        Console.WriteLine($"twins: started pids {pids[0]} and {pids[1]}; both use 0x{Address:x}");
        int failed = 0;
        for (int i = 0; i < 2; i++)
        {
            long pid = Linux.WaitForChild(pids[i], out int status);
            int code = (status >> 8) & 0xFF;
            bool exited = (status & 0x7F) == 0;
            if (pid != pids[i] || !exited || code != 0) failed++;
            Console.WriteLine($"twins: pid {pids[i]} "
                + (pid < 0 ? "wait4: " + Errno.Name(pid)
                    : exited ? $"exited with {code}"
                    : $"was killed (status 0x{status:x})"));
        }
        Console.WriteLine(failed == 0
            ? $"twins: one address, two values: each twin read back its own"
            : "twins: a twin did not read back its own value");
        return failed == 0 ? 0 : 1;
    }

    private static int Child(string[] args)
    {
        if (args.Length != 3 || !ulong.TryParse(args[1], out ulong n) || n == 0 || n > 15
            || !long.TryParse(args[2], out long wait))
        {
            Console.WriteLine("usage: twins child N MILLISECONDS   (N 1-15)");
            return 2;
        }
        long pid = Linux.ProcessId();
        long mapped = Linux.MapAnonymousMemory(Address, 4096, Linux.ProtRead | Linux.ProtWrite, true, false);
        if (mapped != (long)Address)
        {
            Console.WriteLine($"twin {n} (pid {pid}): mmap 0x{Address:x}: {Errno.Describe(mapped)}");
            return 1;
        }
        ulong value = 0x1111_1111_1111_1111UL * n;
        Volatile.Write(ref *(ulong*)Address, value);
        Console.WriteLine($"twin {n} (pid {pid}): wrote 0x{value:x} at 0x{Address:x}");
        Linux.Sleep(wait);
        ulong seen = Volatile.Read(ref *(ulong*)Address);
        Console.WriteLine($"twin {n} (pid {pid}): read  0x{seen:x} at 0x{Address:x}"
            + (seen == value ? " (its own)" : " (NOT its own)"));
        return seen == value ? 0 : 1;
    }
}
