using System;
using System.Collections.Generic;
using MemOS.User.Runtime;

/// <summary>
/// `fuzz N SEED`: N system calls chosen at random (reproducibly from SEED) with hostile arguments: kernel addresses,
/// unmapped, misaligned and non-canonical pointers, huge and negative lengths, bad descriptors, overlapping fixed
/// mappings, unknown numbers. The kernel must answer each with a result or an errno and never fall over. Calls that
/// would end or wreck this process itself (exit, unmapping its own image, heap or stack, moving its TLS to valid
/// memory, reading the console) are not made; fixed mappings stay inside a sandbox at 0x100000-0x300000.
/// It checks the answers it can predict (ENOSYS for unknown numbers, EBADF for bad descriptors, EFAULT or EINVAL
/// for kernel pointers) and exits with 1 if any differs.
/// </summary>
internal static unsafe class Program
{
    private const ulong Sandbox = 0x10_0000, SandboxSize = 0x20_0000;
    private static ulong s_state;
    private static byte* s_scratch;
    private static int s_unexpected;
    private static readonly Dictionary<string, int> s_outcomes = new();

    private static readonly long[] Implemented =
    {
        Linux.Read, Linux.Write, Linux.Mmap, Linux.Mprotect, Linux.Munmap, Linux.Brk, Linux.Writev, Linux.SchedYield,
        Linux.Nanosleep, Linux.GetPid, Linux.Exit, Linux.Wait4, Linux.Uname, Linux.ArchPrctl, Linux.SetTidAddress,
        Linux.ClockGettime, Linux.ExitGroup, Linux.Waitid, MemOSCalls.Spawn, MemOSCalls.MemStat,
        MemOSCalls.FaultHandler, MemOSCalls.FaultUnhandled,
    };

    private static int Main(string[] args)
    {
        if (args.Length != 2 || !ulong.TryParse(args[0], out ulong count) || !ulong.TryParse(args[1], out ulong seed))
        {
            Console.WriteLine("usage: fuzz N SEED   (N random system calls, reproducible from SEED)");
            return 2;
        }
        s_state = seed * 0x9E37_79B9_7F4A_7C15UL + 0x2545_F491_4F6C_DD1DUL;
        // On another kernel, "unknown" numbers are real calls (fork, kill...): only MemOS gets those.
        bool onMemOS = MemOSCalls.TryReadMemStat(out _, out _);
        long page = Linux.MapAnonymousMemory(0, 4096, Linux.ProtRead | Linux.ProtWrite, false, true);
        if (page < 0) { Console.WriteLine($"fuzz: mmap for the scratch page: {Errno.Name(page)}"); return 1; }
        s_scratch = (byte*)page;
        Console.WriteLine(
            $"fuzz: {count} calls, seed {seed}{(onMemOS ? "" : " (not MemOS: unknown numbers skipped)")}");
        for (ulong i = 0; i < count; i++)
        {
            OneCall(onMemOS);
            if ((i + 1) % 10000 == 0) Console.WriteLine($"fuzz: {i + 1} calls");
        }
        Linux.Unmap(Sandbox, SandboxSize);
        var keys = new List<string>(s_outcomes.Keys);
        keys.Sort(string.CompareOrdinal);
        foreach (string key in keys) Console.WriteLine($"  {key}: {s_outcomes[key]}");
        Console.WriteLine($"fuzz: done: {count} calls, {s_unexpected} unexpected answer(s)");
        return s_unexpected == 0 ? 0 : 1;
    }

    private static ulong Next()
    {
        s_state ^= s_state >> 12;
        s_state ^= s_state << 25;
        s_state ^= s_state >> 27;
        return s_state * 0x2545_F491_4F6C_DD1DUL;
    }

    private static ulong Below(ulong n) => Next() % n;

    // Pointers no call may follow: null, low, kernel halves, non-canonical, the last user page's end, -1.
    private static readonly ulong[] BadPointers =
    {
        0, 1, 0xFFF, 0x1_0000 - 8, 0xFFFF_8000_0000_0000, 0xFFFF_FFFF_8000_0000, 0xFFFF_FFFF_FFFF_F000,
        0x0000_8000_0000_0000, 0x0000_7FFF_FFFF_FFF8, 0xDEAD_BEEF_DEAD_BEEF, ulong.MaxValue, 0x7FFF_FFFF_F000,
    };

    // arch_prctl codes Linux does not define either (it defines 0x1001-0x1004, 0x1011-0x1012, 0x2001-0x2003, ...).
    private static readonly ulong[] UnknownArchCodes = { 0, 1, 0x1000, 0x1005, 0x100F, 0x1FFF, 0xFFFF, 0xFFFF_FFFF };

    private static ulong BadPointer()
        => Below(4) == 0
            ? BadPointers[Below((ulong)BadPointers.Length)] | Below(8)
            : BadPointers[Below((ulong)BadPointers.Length)];

    private static bool IsKernelOrNonCanonical(ulong p) => p >= 0x0000_8000_0000_0000;

    // A pointer into the scratch page, possibly misaligned, possibly running off its end.
    private static ulong ScratchPointer() => (ulong)s_scratch + Below(4096 + 64);

    private static ulong AnyPointer() => Below(3) == 0 ? ScratchPointer() : BadPointer();

    private static readonly ulong[] Lengths =
    {
        0, 1, 7, 4095, 4096, 4097, 0x10_0000, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 1UL << 47,
        ulong.MaxValue, ulong.MaxValue - 4095,
    };

    private static ulong Length() => Below(4) == 0 ? Next() : Lengths[Below((ulong)Lengths.Length)];

    private static long BadFd() => Below(4) switch { 0 => -1, 1 => 3, 2 => 1000, _ => (long)(int)Next() | 0x100 };

    private static ulong SandboxAddress()
        => Sandbox + (Below(SandboxSize / 4096) * 4096) + (Below(8) == 0 ? Below(4096) : 0);

    private static void OneCall(bool onMemOS)
    {
        switch (Below(18))
        {
            case 0: // read: never fd 0 (it would wait for the console); a bad descriptor must be EBADF
                Expect("read", Linux.Read, BadFd(), (long)AnyPointer(), (long)Length(), expected: -Errno.EBADF);
                break;
            case 1: // write: a bad descriptor is EBADF; a bad buffer to the console fails (EFAULT, EINVAL if huge)
            {
                long fd = Below(2) == 0 ? 1 + (long)Below(2) : BadFd();
                long length = (long)Length();
                if (fd is 1 or 2)
                    Record("write", SystemCall.Invoke(Linux.Write, fd, (long)BadPointer(), length), null,
                        mustFail: length != 0);
                else Expect("write", Linux.Write, fd, (long)BadPointer(), length, expected: -Errno.EBADF);
                break;
            }
            case 2: // writev with an iovec array in scratch pointing at bad memory
            {
                ulong* iov = (ulong*)s_scratch;
                for (int k = 0; k < 8; k++) { iov[2 * k] = BadPointer(); iov[2 * k + 1] = Length(); }
                long fd = Below(2) == 0 ? 1 : BadFd();
                long cnt = Below(3) == 0 ? (long)Next() : (long)Below(9);
                Expect("writev", Linux.Writev, fd, Below(4) == 0 ? (long)BadPointer() : (long)iov, cnt,
                    expected: fd == 1 ? long.MinValue : -Errno.EBADF);
                break;
            }
            case 3: // mmap: fixed only inside the sandbox or at addresses that must be refused
            {
                ulong flags = (Below(2) == 0 ? 0x22UL | (Below(2) == 0 ? 0x8000UL : 0) : Next() & 0xFFFFF) & ~0x10UL;
                bool fixedMap = Below(2) == 0;
                ulong address = fixedMap ? (Below(3) == 0 ? BadPointer() & ~0xFFFUL : SandboxAddress()) : AnyPointer();
                if (fixedMap) flags |= 0x10;
                if (!onMemOS) flags &= ~(ulong)Linux.MapPopulate; // never take gigabytes of a host's memory
                // never over the null guard's neighbours
                if (fixedMap && address != 0 && address < Sandbox) address = Sandbox;
                if (fixedMap && !IsKernelOrNonCanonical(address)
                    && (address < Sandbox || address >= Sandbox + SandboxSize))
                    address = Sandbox;
                ulong length = Below(2) == 0 ? Length() : 4096 * (1 + Below(64));
                if (fixedMap && !IsKernelOrNonCanonical(address)
                    && (length > SandboxSize || address + length > Sandbox + SandboxSize || address + length < address))
                    length = 4096;
                long result = SystemCall.Invoke(
                    Linux.Mmap, (long)address, (long)length, (long)Below(16), (long)flags, BadFd(), (long)Next());
                if (result >= 0 && !fixedMap) Linux.Unmap((ulong)result, length); // give non-fixed ones back at once
                Record("mmap", result,
                    IsKernelOrNonCanonical(address) && fixedMap && result >= 0 ? "mapped a kernel address" : null);
                break;
            }
            case 4:
            case 5: // munmap / mprotect: sandbox or hostile addresses only
            {
                ulong address = Below(2) == 0 ? SandboxAddress() : BadPointer();
                ulong length = Below(2) == 0 ? Length() : 4096 * (1 + Below(16));
                if (!IsKernelOrNonCanonical(address)
                    && (address < Sandbox || address + length > Sandbox + SandboxSize || address + length < address))
                    length = 4096;
                if (!IsKernelOrNonCanonical(address) && address < Sandbox) address = Sandbox;
                bool unmap = Below(2) == 0;
                long result = unmap ? SystemCall.Invoke(Linux.Munmap, (long)address, (long)length)
                    : SystemCall.Invoke(Linux.Mprotect, (long)address, (long)length, (long)Next() & 0xFF);
                Record(unmap ? "munmap" : "mprotect", result,
                    IsKernelOrNonCanonical(address) && result == 0 && length != 0 ? "accepted a kernel address" : null);
                break;
            }
            case 6:
                Record("brk", SystemCall.Invoke(Linux.Brk, (long)(Below(2) == 0 ? BadPointer() : Next())), null);
                break;
            case 7: Expect("sched_yield", Linux.SchedYield, expected: 0); break;
            case 8: Expect("getpid", Linux.GetPid, expected: long.MinValue); break;
            case 9: // nanosleep: bad pointers, or scratch holding out-of-range times; never longer than 1 ms
            {
                long* t = (long*)s_scratch;
                t[0] = Below(2) == 0 ? -1 : 0;
                t[1] = Below(2) == 0 ? (long)Next() : (long)Below(1_000_000);
                long request = Below(2) == 0 ? (long)BadPointer() : (long)t;
                Record("nanosleep", SystemCall.Invoke(Linux.Nanosleep, request, (long)AnyPointer()), null,
                    mustFail: request != (long)t || t[0] < 0 || (ulong)t[1] >= 1_000_000_000);
                break;
            }
            case 10:
                Record("wait4", SystemCall.Invoke(Linux.Wait4,
                    (long)Next(), (long)AnyPointer(), (long)Next() & 0xFF, (long)AnyPointer()), null, mustFail: true);
                break;
            case 11:
                Record("waitid", SystemCall.Invoke(Linux.Waitid,
                        (long)Below(4), (long)Next(), (long)AnyPointer(), (long)Next() & 0xFF, (long)AnyPointer()),
                    null, mustFail: true);
                break;
            case 12: Expect("uname", Linux.Uname, (long)BadPointer(), expected: -Errno.EFAULT); break;
            case 13: // arch_prctl: GET_FS to bad memory, SET_FS only to values that must be refused, unknown codes
            {
                ulong code = Below(3) switch
                {
                    0 => Linux.ArchGetFs,
                    1 => Linux.ArchSetFs,
                    _ => UnknownArchCodes[Below((ulong)UnknownArchCodes.Length)],
                };
                if (code == Linux.ArchSetFs)
                {
                    ulong value = Below(2) == 0
                        ? 0x0000_8000_0000_0000UL | Below(1UL << 40)
                        : 0xFFFF_8000_0000_0000UL | Below(1UL << 40);
                    Expect("arch_prctl SET_FS", Linux.ArchPrctl, (long)code, (long)value, expected: -Errno.EPERM);
                }
                else if (code == Linux.ArchGetFs)
                    Expect("arch_prctl GET_FS", Linux.ArchPrctl, (long)code, (long)BadPointer(),
                        expected: -Errno.EFAULT);
                else Expect("arch_prctl other", Linux.ArchPrctl, (long)code, (long)Next(), expected: -Errno.EINVAL);
                break;
            }
            case 14:
                Record("clock_gettime", SystemCall.Invoke(Linux.ClockGettime,
                    (long)(Below(2) == 0 ? Below(16) : Next()), (long)BadPointer()), null, mustFail: true);
                break;
            case 15:
            {
                ulong length = Length();
                Record("memos_memstat", SystemCall.Invoke(MemOSCalls.MemStat, (long)BadPointer(), (long)length), null,
                    mustFail: !onMemOS || length != 0);
                break;
            }
            case 16: // spawn: bad paths, garbage names, bad argv: never a real program
            {
                for (int k = 0; k < 64; k++) s_scratch[k] = (byte)(0x80 | Below(0x7F));
                s_scratch[Below(64)] = 0;
                long path = Below(2) == 0 ? (long)BadPointer() : (long)s_scratch;
                Record("memos_spawn", SystemCall.Invoke(MemOSCalls.Spawn, path, (long)AnyPointer(), (long)Next()), null,
                    mustFail: true);
                break;
            }
            default: // numbers MemOS does not implement: ENOSYS
            {
                if (!onMemOS) { Record("unknown number (skipped)", 0, null); break; }
                long number = Below(2) == 0 ? (long)Below(0x1100) : (long)Next();
                if (Array.IndexOf(Implemented, number) >= 0) number = 0x0FFF;
                Expect("unknown number", number, (long)AnyPointer(), (long)Length(), (long)Next(),
                    expected: -Errno.ENOSYS);
                break;
            }
        }
    }

    // expected: the exact result, or long.MinValue when any answer is acceptable (as long as the kernel lives).
    private static void Expect(
        string name, long number, long a1 = 0, long a2 = 0, long a3 = 0, long expected = long.MinValue)
    {
        long result = SystemCall.Invoke(number, a1, a2, a3, (long)Next(), (long)Next(), (long)Next());
        string? wrong = expected != long.MinValue && result != expected
            ? $"{name}(0x{a1:x}, 0x{a2:x}, 0x{a3:x}) = {Errno.Describe(result)}, expected {Errno.Describe(expected)}"
            : null;
        Record(name, result, wrong);
    }

    private static void Record(string name, long result, string? wrong, bool mustFail = false)
    {
        if (wrong == null && mustFail && result >= 0) wrong = $"{name} succeeded where it must fail";
        string key = $"{name} -> {(result >= 0 ? "ok" : Errno.Name(result))}";
        s_outcomes[key] = s_outcomes.TryGetValue(key, out int n) ? n + 1 : 1;
        if (wrong == null) return;
        s_unexpected++;
        if (s_unexpected <= 20) Console.WriteLine($"fuzz: unexpected: {wrong}");
    }
}
