namespace MemOS.User.Runtime;

/// <summary>
/// The Linux x86_64 system calls MemOS implements (numbers and flags as Linux defines them), as typed calls.
/// Each returns what the kernel returned: a value, or -errno (see <see cref="Errno"/>).
/// </summary>
public static unsafe class Linux
{
    public const long Read = 0, Write = 1, Mmap = 9, Mprotect = 10, Munmap = 11, Brk = 12, Writev = 20;
    public const long SchedYield = 24, Nanosleep = 35, GetPid = 39, Exit = 60, Wait4 = 61, Uname = 63;
    public const long ArchPrctl = 158, SetTidAddress = 218, ClockGettime = 228, ExitGroup = 231, Waitid = 247;

    public const int ProtRead = 1, ProtWrite = 2, ProtExec = 4;
    public const int MapPrivate = 0x02, MapFixed = 0x10, MapAnonymous = 0x20, MapPopulate = 0x8000;
    public const int ArchSetFs = 0x1002, ArchGetFs = 0x1003;
    public const int ClockMonotonic = 1;

    public static long WriteBytes(int fd, byte* buffer, ulong length)
        => SystemCall.Invoke(Write, fd, (long)buffer, (long)length);

    public static long ReadBytes(int fd, byte* buffer, ulong length)
        => SystemCall.Invoke(Read, fd, (long)buffer, (long)length);

    /// <summary>Anonymous private memory: the address, or -errno.
    /// <paramref name="populate"/> = immediate backing.</summary>
    public static long MapAnonymousMemory(ulong address, ulong length, int protection, bool fixedAddress, bool populate)
    {
        int flags = MapPrivate | MapAnonymous | (fixedAddress ? MapFixed : 0) | (populate ? MapPopulate : 0);
        return SystemCall.Invoke(Mmap, (long)address, (long)length, protection, flags, -1, 0);
    }

    public static long Unmap(ulong address, ulong length) => SystemCall.Invoke(Munmap, (long)address, (long)length);

    public static long Protect(ulong address, ulong length, int protection)
        => SystemCall.Invoke(Mprotect, (long)address, (long)length, protection);

    public static long ProcessId() => SystemCall.Invoke(GetPid);

    public static long Yield() => SystemCall.Invoke(SchedYield);

    /// <summary>Sleeps; the result is 0 or -errno.</summary>
    public static long Sleep(long milliseconds)
    {
        long* time = stackalloc long[2];
        time[0] = milliseconds / 1000;
        time[1] = milliseconds % 1000 * 1_000_000;
        return SystemCall.Invoke(Nanosleep, (long)time, 0);
    }

    /// <summary>Nanoseconds of CLOCK_MONOTONIC, or 0 when the clock is refused.</summary>
    public static long MonotonicNanoseconds()
    {
        long* time = stackalloc long[2];
        if (SystemCall.Invoke(ClockGettime, ClockMonotonic, (long)time) != 0) return 0;
        return time[0] * 1_000_000_000 + time[1];
    }

    /// <summary>Waits for a child (-1 = any); its status word goes to
    /// <paramref name="status"/>. Pid or -errno.</summary>
    public static long WaitForChild(long pid, out int status)
    {
        int word = 0;
        long result = SystemCall.Invoke(Wait4, pid, (long)&word, 0, 0);
        status = word;
        return result;
    }

    /// <summary>Ends every thread of the process (there is one) with the status: never returns.</summary>
    public static void ExitGroupNow(int status)
    {
        while (true) SystemCall.Invoke(ExitGroup, status);
    }
}
