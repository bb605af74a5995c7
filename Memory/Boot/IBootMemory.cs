using System;

namespace MemOS.Memory.Boot;

/// <summary>
/// Where the multiboot parser reads the bootloader's structures: physical memory it may look at, bounds-checked.
/// </summary>
public interface IBootMemory
{
    /// <summary>
    /// Fills destination from [physical, physical + length); false (nothing read) if any byte lies outside what may be
    /// read.
    /// </summary>
    bool Read(ulong physical, Span<byte> destination);
}

/// <summary>Physical memory [0, Length) as a byte array: for tests and crafted boot structures.</summary>
public sealed class ByteArrayBootMemory(byte[] bytes) : IBootMemory
{
    public bool Read(ulong physical, Span<byte> destination)
    {
        if (physical > (ulong)bytes.Length || (ulong)destination.Length > (ulong)bytes.Length - physical) return false;
        bytes.AsSpan((int)physical, destination.Length).CopyTo(destination);
        return true;
    }
}
