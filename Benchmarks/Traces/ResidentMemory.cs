using System;
using System.IO;

namespace MemOS.Benchmarks.Traces;

/// <summary>
/// This process's resident set (the second field of /proc/self/statm, in pages), read without allocating so that
/// sampling it during a replay does not itself move the number. The peak of the samples is kept.
/// </summary>
public sealed class ResidentMemory : IDisposable
{
    private readonly FileStream _statm = new("/proc/self/statm", FileMode.Open, FileAccess.Read, FileShare.Read, 1);
    private readonly byte[] _buffer = new byte[256];
    private static readonly long PageSize = Environment.SystemPageSize;

    public long Peak { get; private set; }

    public long Read()
    {
        _statm.Seek(0, SeekOrigin.Begin);
        int n = _statm.Read(_buffer, 0, _buffer.Length);
        int i = 0;
        while (i < n && _buffer[i] != ' ') i++; // total size
        long pages = 0;
        for (i++; i < n && _buffer[i] >= '0' && _buffer[i] <= '9'; i++) pages = pages * 10 + (_buffer[i] - '0');
        return pages * PageSize;
    }

    /// <summary>Read and keep the peak.</summary>
    public void Sample()
    {
        long now = Read();
        if (now > Peak) Peak = now;
    }

    public void Dispose() => _statm.Dispose();
}
