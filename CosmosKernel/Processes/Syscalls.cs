using System;
using System.Runtime.InteropServices;
using MemOS.Kernel.Hardware;
using MemOS.Kernel.TextConsole;

namespace MemOS.Kernel.Processes;

/// <summary>
/// The system-call table: rax = number, arguments in rdi, rsi, rdx, r10, r8, r9, the result (or -errno) back in
/// rax. Runs on the caller's kernel stack with interrupts off; user memory only through UserMemory.
/// </summary>
internal static unsafe class Syscalls
{
    private const int SignalInterrupt = 2;
    public static ulong Count { get; private set; }

    /// <summary>
    /// When set, everything processes write to the console is also appended here (the kernel tests read it).
    /// </summary>
    public static System.Text.StringBuilder? Capture { get; set; }

    /// <summary>
    /// When set, processes' console output is not shown (only captured): `bench` runs programs quietly.
    /// </summary>
    public static bool Quiet { get; set; }

    [UnmanagedCallersOnly(EntryPoint = "memos_syscall")]
    private static void Entry(InterruptFrame* frame)
    {
        Count++;
        Process p = Scheduler.Current;
        p.SystemCalls++;
        frame->Rax = (ulong)Dispatch(p, frame->Rax, frame->Rdi, frame->Rsi, frame->Rdx, frame->R10, frame->R8,
            frame->R9);
    }

    private static long Dispatch(Process p, ulong number, ulong a0, ulong a1, ulong a2, ulong a3, ulong a4, ulong a5)
    {
        switch (number)
        {
            case SyscallNumbers.Getpid: return p.Pid;
            case SyscallNumbers.Read: return Read(p, a0, a1, a2);
            case SyscallNumbers.Write: return Write(a0, a1, a2);
            case SyscallNumbers.Writev: return Writev(a0, a1, a2);
            case SyscallNumbers.Mmap: return ProcessMemoryCalls.Mmap(p, a0, a1, a2, a3, (long)a4, a5);
            case SyscallNumbers.Munmap: return ProcessMemoryCalls.Munmap(p, a0, a1);
            case SyscallNumbers.Mprotect: return ProcessMemoryCalls.Mprotect(p, a0, a1, a2);
            case SyscallNumbers.Brk: return (long)ProcessMemoryCalls.Brk(p, a0);
            case SyscallNumbers.SchedYield: Scheduler.Yield(); return 0;
            case SyscallNumbers.Nanosleep: return Nanosleep(p, a0, a1);
            case SyscallNumbers.Exit:
            case SyscallNumbers.ExitGroup: Scheduler.Exit(p, (int)(a0 & 0xFF) << 8); return 0;
            case SyscallNumbers.Wait4: return ProcessCalls.Wait4(p, (long)a0, a1, a2, a3);
            case SyscallNumbers.Waitid: return ProcessCalls.Waitid(p, a0, a1, a2, a3);
            case SyscallNumbers.Uname: return Uname(a0);
            case SyscallNumbers.ArchPrctl: return ArchPrctl(p, a0, a1);
            case SyscallNumbers.SetTidAddress: p.ClearChildTid = a0; return p.Pid;
            case SyscallNumbers.ClockGettime: return ClockGettime(a0, a1);
            case SyscallNumbers.MemosSpawn: return ProcessCalls.Spawn(p, a0, a1, a2);
            case SyscallNumbers.MemosMemstat: return ProcessCalls.Memstat(p, a0, a1);
            case SyscallNumbers.MemosFaultHandler: return ProcessFaults.SetHandler(p, a0, a1);
            case SyscallNumbers.MemosFaultUnhandled: return ProcessFaults.Unhandled(p);
            case SyscallNumbers.MemosServe: return ServiceCalls.Serve(p, a0, a1);
            case SyscallNumbers.MemosAnswer: return ServiceCalls.Answer(p, a0, (long)a1, a2, a3, a4);
            default: return -Errno.ENOSYS;
        }
    }

    // The console: a line at a time (the line editor echoes and edits); Ctrl+C ends the foreground process.
    private static long Read(Process p, ulong fd, ulong buffer, ulong count)
    {
        if (fd != 0) return fd <= 2 ? -Errno.EINVAL : -Errno.EBADF;
        if (count == 0) return 0;
        if (!UserMemory.IsUserRange(buffer, count)) return -Errno.EFAULT;
        if (p.PendingInput == null)
        {
            while (Scheduler.Foreground != p) Scheduler.Block(ProcessState.WaitingForInput);
            p.Editor ??= new LineEditor();
            string? line = p.Editor.ReadLine();
            if (line == null) { Scheduler.Exit(p, SignalInterrupt); return 0; }
            var bytes = new byte[line.Length + 1];
            for (int i = 0; i < line.Length; i++) bytes[i] = (byte)line[i];
            bytes[line.Length] = (byte)'\n';
            p.PendingInput = bytes;
            p.PendingOffset = 0;
        }
        ulong n = Math.Min(count, (ulong)(p.PendingInput.Length - p.PendingOffset));
        fixed (byte* b = p.PendingInput)
            if (!UserMemory.CopyOut(buffer, b + p.PendingOffset, n)) return -Errno.EFAULT;
        p.PendingOffset += (int)n;
        if (p.PendingOffset == p.PendingInput.Length) p.PendingInput = null;
        return (long)n;
    }

    private static long Write(ulong fd, ulong buffer, ulong count)
    {
        if (fd != 1 && fd != 2) return fd == 0 ? -Errno.EINVAL : -Errno.EBADF;
        if (!UserMemory.IsUserRange(buffer, count)) return -Errno.EFAULT;
        byte* chunk = stackalloc byte[256];
        ulong done = 0;
        while (done < count)
        {
            ulong n = Math.Min(256, count - done);
            if (!UserMemory.CopyIn(chunk, buffer + done, n)) return done > 0 ? (long)done : -Errno.EFAULT;
            if (!Quiet) for (ulong i = 0; i < n; i++) Terminal.Write((char)chunk[i]);
            if (Capture != null) for (ulong i = 0; i < n; i++) Capture.Append((char)chunk[i]);
            done += n;
        }
        return (long)done;
    }

    private static long Writev(ulong fd, ulong vector, ulong count)
    {
        if (fd != 1 && fd != 2) return fd == 0 ? -Errno.EINVAL : -Errno.EBADF;
        if (count > 1024) return -Errno.EINVAL;
        if (!UserMemory.IsUserRange(vector, count * 16)) return -Errno.EFAULT;
        long total = 0;
        for (ulong i = 0; i < count; i++)
        {
            if (!UserMemory.Read64(vector + i * 16, out ulong b)
                    || !UserMemory.Read64(vector + i * 16 + 8, out ulong n))
                return total > 0 ? total : -Errno.EFAULT;
            if (n > long.MaxValue) return total > 0 ? total : -Errno.EINVAL;
            long r = Write(fd, b, n);
            if (r < 0) return total > 0 ? total : r;
            total += r;
        }
        return total;
    }

    private static long Nanosleep(Process p, ulong request, ulong remaining)
    {
        if (!UserMemory.Read64(request, out ulong seconds) || !UserMemory.Read64(request + 8, out ulong nanoseconds))
            return -Errno.EFAULT;
        if ((long)seconds < 0 || nanoseconds >= 1_000_000_000) return -Errno.EINVAL;
        ulong ms = seconds > 1UL << 40 ? 1UL << 50 : seconds * 1000 + (nanoseconds + 999_999) / 1_000_000;
        p.WakeAt = Timer.Milliseconds + ms;
        while (Timer.Milliseconds < p.WakeAt) Scheduler.Block(ProcessState.Sleeping);
        if (remaining != 0 && (!UserMemory.Write64(remaining, 0) || !UserMemory.Write64(remaining + 8, 0)))
            return -Errno.EFAULT;
        return 0;
    }

    private static long Uname(ulong buffer)
    {
        const int Field = 65;
        byte* u = stackalloc byte[Field * 6];
        new Span<byte>(u, Field * 6).Clear();
        string[] fields = ["MemOS", "memos", "0.1", "#1 MemOS", "x86_64", "(none)"];
        for (int f = 0; f < 6; f++)
            for (int i = 0; i < fields[f].Length; i++) u[f * Field + i] = (byte)fields[f][i];
        return UserMemory.CopyOut(buffer, u, Field * 6) ? 0 : -Errno.EFAULT;
    }

    private static long ArchPrctl(Process p, ulong code, ulong address)
    {
        const ulong SetFs = 0x1002, GetFs = 0x1003;
        if (code == SetFs)
        {
            if (!UserMemory.IsUserRange(address, 1)) return -Errno.EPERM;
            p.FsBase = address;
            ProcessCpu.UserFsBase = address;
            return 0;
        }
        if (code == GetFs) return UserMemory.Write64(address, ProcessCpu.UserFsBase) ? 0 : -Errno.EFAULT;
        return -Errno.EINVAL;
    }

    private static long ClockGettime(ulong clock, ulong timespec)
    {
        if (clock > 11 || clock == 8 || clock == 9 || clock == 10) return -Errno.EINVAL;
        ulong ns = (ulong)Timer.Nanoseconds();
        if (!UserMemory.Write64(timespec, ns / 1_000_000_000) || !UserMemory.Write64(timespec + 8, ns % 1_000_000_000))
            return -Errno.EFAULT;
        return 0;
    }
}
