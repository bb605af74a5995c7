namespace MemOS.Kernel.Processes;

/// <summary>The system calls MemOS implements: Linux x86_64's numbers, plus MemOS's own from 0x1000.</summary>
internal static class SyscallNumbers
{
    public const ulong Read = 0, Write = 1, Mmap = 9, Mprotect = 10, Munmap = 11, Brk = 12, Writev = 20;
    public const ulong SchedYield = 24, Nanosleep = 35, Getpid = 39, Exit = 60, Wait4 = 61, Uname = 63;
    public const ulong ArchPrctl = 158, SetTidAddress = 218, ClockGettime = 228, ExitGroup = 231, Waitid = 247;
    public const ulong MemosSpawn = 0x1000, MemosMemstat = 0x1001, MemosFaultHandler = 0x1002;
    public const ulong MemosFaultUnhandled = 0x1003, MemosServe = 0x1004, MemosAnswer = 0x1005;
}
