using System;

namespace MemOS.Kernel.Processes;

/// <summary>
/// memos_serve (0x1004) and memos_answer (0x1005): a process waits for the shell's next request and posts its
/// answer. The kernel copies the request out and the answer in through UserMemory, and nothing else: what the
/// process does with its heap stays in ring 3.
/// </summary>
internal static unsafe class ServiceCalls
{
    /// <summary>sizeof(struct memos_request): size, id, op, arg0, arg1 (u64 each).</summary>
    public const int RequestBytes = 40;
    /// <summary>The longest answer text the kernel accepts (`heap blocks 4096` fits).</summary>
    public const ulong MaxAnswer = 256 * 1024;

    /// <summary>memos_serve(req, size): blocks until a request arrives, writes min(size, 40) bytes of it.</summary>
    public static long Serve(Process p, ulong buffer, ulong size)
    {
        if (size < 8) return -Errno.EINVAL;
        if (!UserMemory.IsUserRange(buffer, Math.Min(size, RequestBytes))) return -Errno.EFAULT;
        p.Serves = true;
        ServiceRequest? r;
        while ((r = p.Request) == null || r.Taken) Scheduler.Block(ProcessState.WaitingForRequest);
        ulong* w = stackalloc ulong[RequestBytes / 8];
        w[0] = RequestBytes;
        w[1] = r.Id;
        w[2] = (ulong)r.Op;
        w[3] = r.Arg0;
        w[4] = r.Arg1;
        ulong n = Math.Min(size, RequestBytes);
        if (!UserMemory.CopyOut(buffer, w, n)) return -Errno.EFAULT;
        r.Taken = true;
        return (long)n;
    }

    /// <summary>
    /// memos_answer(id, status, value, text, length): the answer to the request memos_serve returned; 0, EINVAL
    /// (no such request taken, text too long), EFAULT.
    /// </summary>
    public static long Answer(Process p, ulong id, long status, ulong value, ulong text, ulong length)
    {
        ServiceRequest? r = p.Request;
        if (r == null || !r.Taken || r.Id != id || length > MaxAnswer) return -Errno.EINVAL;
        if (!UserMemory.IsUserRange(text, length)) return -Errno.EFAULT;
        var chars = new char[length];
        byte* chunk = stackalloc byte[256];
        for (ulong done = 0; done < length;)
        {
            ulong n = Math.Min(256, length - done);
            if (!UserMemory.CopyIn(chunk, text + done, n)) return -Errno.EFAULT;
            for (ulong i = 0; i < n; i++)
                chars[done + i] = chunk[i] is >= 0x20 and < 0x7F or (byte)'\n' ? (char)chunk[i] : '?';
            done += n;
        }
        r.Status = status;
        r.Value = value;
        r.Text = new string(chars);
        r.Answered = true;
        p.Request = null;
        return 0;
    }
}
