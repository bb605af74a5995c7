using System;
using System.Collections.Generic;

namespace MemOS.Kernel.Processes;

/// <summary>Starting and waiting for processes (memos_spawn, wait4, waitid) and memos_memstat.</summary>
internal static unsafe class ProcessCalls
{
    private const ulong WNoHang = 1, WExited = 4;
    private const int MaxArguments = 256, MaxPath = 256, MaxArgument = 4096;

    public static long Spawn(Process parent, ulong pathAddress, ulong argvAddress, ulong flags)
    {
        if ((flags & ~1UL) != 0) return -Errno.EINVAL;
        string? path = UserMemory.ReadString(pathAddress, MaxPath);
        if (path == null) return -Errno.EFAULT;
        string name = path.TrimStart('/');
        var arguments = new List<string>();
        if (argvAddress == 0) arguments.Add(name);
        else
            for (int i = 0; ; i++)
            {
                if (i == MaxArguments) return -Errno.E2BIG;
                if (!UserMemory.Read64(argvAddress + (ulong)i * 8, out ulong at)) return -Errno.EFAULT;
                if (at == 0) break;
                string? a = UserMemory.ReadString(at, MaxArgument);
                if (a == null) return -Errno.EFAULT;
                arguments.Add(a);
            }
        if (!ProgramArchive.TryGet(name, out _)) return -Errno.ENOENT;
        Process? child = ProcessLoader.Spawn(name, arguments.ToArray(), parent, out _);
        if (child == null) return -Errno.ENOEXEC;
        if ((flags & 1) != 0) return child.Pid;
        bool handOver = Scheduler.Foreground == parent;
        if (handOver) Scheduler.Foreground = child;
        while (child.State != ProcessState.Zombie) Scheduler.Block(ProcessState.WaitingForChild);
        if (handOver) Scheduler.Foreground = parent;
        return child.Pid;
    }

    public static long Wait4(Process p, long pid, ulong status, ulong options, ulong rusage)
    {
        if ((options & ~(WNoHang | 2 | 8 | 0x4000_0000UL | 0x8000_0000UL)) != 0) return -Errno.EINVAL;
        while (true)
        {
            Process? child = FindChild(p, pid < 0 ? -1 : pid == 0 ? -1 : pid, out bool any);
            if (!any) return -Errno.ECHILD;
            if (child != null)
            {
                int s = child.WaitStatus;
                if (status != 0 && !UserMemory.CopyOut(status, &s, 4)) return -Errno.EFAULT;
                if (rusage != 0)
                {
                    byte* zero = stackalloc byte[144];
                    new Span<byte>(zero, 144).Clear();
                    if (!UserMemory.CopyOut(rusage, zero, 144)) return -Errno.EFAULT;
                }
                Scheduler.Remove(child);
                return child.Pid;
            }
            if ((options & WNoHang) != 0) return 0;
            Scheduler.Block(ProcessState.WaitingForChild);
        }
    }

    public static long Waitid(Process p, ulong idType, ulong id, ulong info, ulong options)
    {
        if ((options & WExited) == 0 || (options & ~(WNoHang | WExited | 2 | 8 | 0x0100_0000UL)) != 0)
            return -Errno.EINVAL;
        long pid = idType switch { 0 => -1, 1 => (long)id, 2 => -1, _ => -2 };
        if (pid == -2 || (idType == 1 && (long)id <= 0)) return -Errno.EINVAL;
        while (true)
        {
            Process? child = FindChild(p, pid, out bool any);
            if (!any) return -Errno.ECHILD;
            if (child != null || (options & WNoHang) != 0)
            {
                byte* si = stackalloc byte[128];
                new Span<byte>(si, 128).Clear();
                if (child != null)
                {
                    bool killed = (child.WaitStatus & 0x7F) != 0;
                    *(int*)si = 17;                                   // SIGCHLD
                    *(int*)(si + 8) = killed ? 2 : 1;                 // CLD_KILLED / CLD_EXITED
                    *(int*)(si + 16) = child.Pid;
                    *(int*)(si + 24) = killed ? child.WaitStatus & 0x7F : (child.WaitStatus >> 8) & 0xFF;
                }
                if (info != 0 && !UserMemory.CopyOut(info, si, 128)) return -Errno.EFAULT;
                if (child != null) Scheduler.Remove(child);
                return 0;
            }
            Scheduler.Block(ProcessState.WaitingForChild);
        }
    }

    public static long Memstat(Process p, ulong buffer, ulong size)
    {
        const int Fields = 9;
        ulong* s = stackalloc ulong[Fields];
        s[0] = Fields * 8;
        s[1] = (ulong)p.Pid;
        s[2] = p.ResidentPages;
        s[3] = p.MappedPages;
        s[4] = p.PageFaults;
        s[5] = p.DemandZeroFaults;
        s[6] = p.ZeroPageFaults;
        s[7] = p.CopyOnWriteFaults;
        s[8] = p.LastFaultAddress;
        ulong n = Math.Min(size, Fields * 8);
        return UserMemory.CopyOut(buffer, s, n) ? (long)n : -Errno.EFAULT;
    }

    // A child matching pid (-1: any): a zombie one if there is, and whether any matches at all.
    private static Process? FindChild(Process parent, long pid, out bool any)
    {
        any = false;
        foreach (Process t in Scheduler.Tasks)
        {
            if (t.Parent != parent || (pid != -1 && t.Pid != pid)) continue;
            any = true;
            if (t.State == ProcessState.Zombie) return t;
        }
        return null;
    }
}
