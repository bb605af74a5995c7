namespace MemOS.User.Runtime;

/// <summary>Linux's errno numbers, and their names for messages ("-12" prints as "ENOMEM").</summary>
public static class Errno
{
    public const int EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EIO = 5, E2BIG = 7, ENOEXEC = 8, EBADF = 9;
    public const int ECHILD = 10, EAGAIN = 11, ENOMEM = 12, EACCES = 13, EFAULT = 14, EBUSY = 16, EEXIST = 17;
    public const int ENODEV = 19, EINVAL = 22, EMFILE = 24, ENOSPC = 28, ESPIPE = 29, ERANGE = 34, ENAMETOOLONG = 36;
    public const int ENOSYS = 38, EOVERFLOW = 75;

    /// <summary>"ENOMEM" for 12 or -12; "errno N" for numbers without a name here.</summary>
    public static string Name(long error)
    {
        long e = error < 0 ? -error : error;
        return e switch
        {
            EPERM => "EPERM", ENOENT => "ENOENT", ESRCH => "ESRCH", EINTR => "EINTR", EIO => "EIO", E2BIG => "E2BIG",
            ENOEXEC => "ENOEXEC", EBADF => "EBADF", ECHILD => "ECHILD", EAGAIN => "EAGAIN", ENOMEM => "ENOMEM",
            EACCES => "EACCES", EFAULT => "EFAULT", EBUSY => "EBUSY", EEXIST => "EEXIST", ENODEV => "ENODEV",
            EINVAL => "EINVAL", EMFILE => "EMFILE", ENOSPC => "ENOSPC", ESPIPE => "ESPIPE", ERANGE => "ERANGE",
            ENAMETOOLONG => "ENAMETOOLONG", ENOSYS => "ENOSYS", EOVERFLOW => "EOVERFLOW",
            _ => "errno " + e,
        };
    }

    /// <summary>A system call's result: the value when ≥ 0, else "failed: ENAME".</summary>
    public static string Describe(long result) => result >= 0 ? result.ToString() : "failed: " + Name(result);
}
