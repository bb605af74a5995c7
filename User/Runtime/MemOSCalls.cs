using System;

namespace MemOS.User.Runtime;

/// <summary>
/// MemOS's own system calls, numbered outside Linux's range: starting a program (until fork/exec exist), the
/// caller's memory statistics, its fault handler (HardwareFaultHandler) and serving the shell's heap requests
/// (HeapService; see docs/processes.md for the kernel's side).
/// </summary>
public static unsafe class MemOSCalls
{
    public const long Spawn = 0x1000, MemStat = 0x1001, FaultHandler = 0x1002, FaultUnhandled = 0x1003;
    public const long Serve = 0x1004, Answer = 0x1005;

    /// <summary>flags bit 0: don't wait (the caller keeps running; wait with wait4).</summary>
    public const int SpawnNoWait = 1;

    /// <summary>Starts the program at <paramref name="path"/>
    /// with <paramref name="arguments"/> (argv[0] first): pid or -errno.</summary>
    public static long SpawnProgram(string path, string[] arguments, int flags)
    {
        byte[] pathBytes = CString(path);
        byte[][] argBytes = new byte[arguments.Length][];
        for (int i = 0; i < arguments.Length; i++) argBytes[i] = CString(arguments[i]);
        long* argv = stackalloc long[arguments.Length + 1];
        // The byte arrays are pinned for the call: fixed on each, nested through a recursive helper.
        fixed (byte* p = pathBytes) return WithArguments(p, argBytes, 0, argv, flags);
    }

    private static long WithArguments(byte* path, byte[][] args, int index, long* argv, int flags)
    {
        if (index == args.Length)
        {
            argv[index] = 0;
            return SystemCall.Invoke(Spawn, (long)path, (long)argv, flags);
        }
        fixed (byte* a = args[index])
        {
            argv[index] = (long)a;
            return WithArguments(path, args, index + 1, argv, flags);
        }
    }

    /// <summary>The caller's statistics; false (with the -errno in
    /// <paramref name="error"/>) when the call fails.</summary>
    public static bool TryReadMemStat(out MemStat stat, out long error)
    {
        MemStat s = default;
        error = SystemCall.Invoke(MemStat, (long)&s, sizeof(MemStat));
        stat = s;
        if (error < 0) return false;
        if (error < 8 * 5) { error = -Errno.EINVAL; return false; } // too short to hold the fault counts
        error = 0;
        return true;
    }

    private static byte[] CString(string s)
    {
        byte[] bytes = new byte[s.Length + 1];
        for (int i = 0; i < s.Length; i++) bytes[i] = s[i] < 0x80 ? (byte)s[i] : (byte)'?';
        return bytes;
    }
}
