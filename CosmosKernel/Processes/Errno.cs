namespace MemOS.Kernel.Processes;

/// <summary>Linux's errno numbers (asm-generic/errno-base.h); system calls return them negated.</summary>
internal static class Errno
{
    public const long EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, E2BIG = 7, ENOEXEC = 8, EBADF = 9, ECHILD = 10;
    public const long EAGAIN = 11, ENOMEM = 12, EFAULT = 14, EINVAL = 22, ENAMETOOLONG = 36, ENOSYS = 38;
}
