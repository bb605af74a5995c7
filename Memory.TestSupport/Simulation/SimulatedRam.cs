using System;
using System.Runtime.InteropServices;

namespace MemOS.Memory.Simulation;

/// <summary>
/// RAM for host tests: one block of native memory standing in for physical addresses [0, Size).
/// Every access is bounds-checked so a wild physical address is a test failure, not host corruption.
/// </summary>
public sealed unsafe class SimulatedRam : IPhysicalMemory, IDisposable
{
    private byte* _base;

    public SimulatedRam(ulong size)
    {
        if (size == 0 || (size & (PhysicalAddress.FrameSize - 1)) != 0)
            throw new ArgumentOutOfRangeException(nameof(size), "RAM size must be a non-zero multiple of 4 KiB");
        Size = size;
        _base = (byte*)NativeMemory.AllocZeroed((nuint)size);
    }

    public ulong Size { get; }

    /// <summary>Host pointer for a physical address (for fast bulk access in tests and benchmarks).</summary>
    public byte* Pointer(PhysicalAddress address, ulong length = 1)
    {
        if (_base == null) throw new ObjectDisposedException(nameof(SimulatedRam));
        if (address.Value >= Size || length > Size - address.Value)
            throw new ArgumentOutOfRangeException(nameof(address),
                $"physical {address} (+{length}) is outside simulated RAM of {Size} bytes");
        return _base + address.Value;
    }

    public ulong Read64(PhysicalAddress address) => *(ulong*)Pointer(address, 8);
    public void Write64(PhysicalAddress address, ulong value) => *(ulong*)Pointer(address, 8) = value;
    public byte Read8(PhysicalAddress address) => *Pointer(address);
    public void Write8(PhysicalAddress address, byte value) => *Pointer(address) = value;
    public void Zero(PhysicalAddress address, ulong length)
        => new Span<byte>(Pointer(address, length), checked((int)length)).Clear();

    public void Copy(PhysicalAddress destination, PhysicalAddress source, ulong length)
        => Buffer.MemoryCopy(Pointer(source, length), Pointer(destination, length), (long)length, (long)length);

    public void Dispose()
    {
        if (_base != null) NativeMemory.Free(_base);
        _base = null;
    }
}
