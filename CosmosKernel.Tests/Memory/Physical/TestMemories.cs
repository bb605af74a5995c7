using System;
using System.Collections.Generic;
using MemOS.Memory;
using MemOS.Memory.Physical;

namespace MemOS.Tests.Memory.Physical;

/// <summary>Physical memory for maps too large or sparse for SimulatedRam: only written words exist.</summary>
internal sealed class SparsePhysicalMemory : IPhysicalMemory
{
    private readonly Dictionary<ulong, ulong> _words = new();

    public int WordsTouched => _words.Count;

    public ulong Read64(PhysicalAddress address)
    {
        if ((address.Value & 7) != 0) throw new ArgumentException("unaligned 64-bit access at " + address);
        return _words.TryGetValue(address.Value, out var v) ? v : 0;
    }

    public void Write64(PhysicalAddress address, ulong value)
    {
        if ((address.Value & 7) != 0) throw new ArgumentException("unaligned 64-bit access at " + address);
        _words[address.Value] = value;
    }

    public byte Read8(PhysicalAddress address)
        => (byte)(Read64(new PhysicalAddress(address.Value & ~7UL)) >> (int)((address.Value & 7) * 8));

    public void Write8(PhysicalAddress address, byte value)
    {
        var word = new PhysicalAddress(address.Value & ~7UL);
        int shift = (int)((address.Value & 7) * 8);
        Write64(word, (Read64(word) & ~(0xFFUL << shift)) | ((ulong)value << shift));
    }

    public void Zero(PhysicalAddress address, ulong length)
    {
        for (ulong i = 0; i < length; i++) Write8(address + i, 0);
    }

    public void Copy(PhysicalAddress destination, PhysicalAddress source, ulong length)
    {
        for (ulong i = 0; i < length; i++) Write8(destination + i, Read8(source + i));
    }
}

/// <summary>Counts every access, to show an operation's cost does not grow with RAM (no scans).</summary>
internal sealed class CountingPhysicalMemory : IPhysicalMemory
{
    private readonly IPhysicalMemory _inner;
    public CountingPhysicalMemory(IPhysicalMemory inner) => _inner = inner;
    public long Accesses;

    public ulong Read64(PhysicalAddress address) { Accesses++; return _inner.Read64(address); }
    public void Write64(PhysicalAddress address, ulong value) { Accesses++; _inner.Write64(address, value); }
    public byte Read8(PhysicalAddress address) { Accesses++; return _inner.Read8(address); }
    public void Write8(PhysicalAddress address, byte value) { Accesses++; _inner.Write8(address, value); }
    public void Zero(PhysicalAddress address, ulong length) { Accesses++; _inner.Zero(address, length); }
    public void Copy(PhysicalAddress destination, PhysicalAddress source, ulong length)
    {
        Accesses++; _inner.Copy(destination, source, length);
    }
}

/// <summary>Memory maps as real firmware sends them.</summary>
internal static class Fixtures
{
    public const ulong MiB = 1UL << 20, GiB = 1UL << 30;

    /// <summary>QEMU's e820 for -m 128M (SeaBIOS).</summary>
    public static MemoryMapEntry[] Qemu128M() => new[]
    {
        new MemoryMapEntry(0x0, 0x9fc00, 1),
        new MemoryMapEntry(0x9fc00, 0x400, 2),
        new MemoryMapEntry(0xf0000, 0x10000, 2),
        new MemoryMapEntry(0x100000, 0x7ee0000, 1),
        new MemoryMapEntry(0x7fe0000, 0x20000, 2),
        new MemoryMapEntry(0xfffc0000, 0x40000, 2),
    };

    /// <summary>QEMU's e820 for -m 4G: 3 GiB below the PCI hole, 1 GiB above 4 GiB.</summary>
    public static MemoryMapEntry[] Qemu4G() => new[]
    {
        new MemoryMapEntry(0x0, 0x9fc00, 1),
        new MemoryMapEntry(0x9fc00, 0x400, 2),
        new MemoryMapEntry(0xf0000, 0x10000, 2),
        new MemoryMapEntry(0x100000, 0xbfee0000, 1),
        new MemoryMapEntry(0xbffe0000, 0x20000, 2),
        new MemoryMapEntry(0xfeffc000, 0x4000, 2),
        new MemoryMapEntry(0xfffc0000, 0x40000, 2),
        new MemoryMapEntry(0x100000000, 0x40000000, 1),
    };

    /// <summary>A map of <paramref name="bytes"/> of RAM from 0, the kernel's usual reservations applied (first MiB, a
    /// 2 MiB kernel at 1 MiB).</summary>
    public static MemoryMap Booted(MemoryMapEntry[] entries)
    {
        var map = new MemoryMap(entries);
        map.Reserve(new PhysicalAddress(0), MiB, ReservationKind.FirstMebibyte);
        map.Reserve(new PhysicalAddress(MiB), 2 * MiB + 0x345, ReservationKind.KernelImage);
        return map;
    }

    /// <summary>Plain RAM [0, bytes) with nothing reserved.</summary>
    public static MemoryMap Flat(ulong bytes) => new(new[] { new MemoryMapEntry(0, bytes, 1) });
}
