using System;
using System.Runtime.InteropServices;
using MemOS.Memory;

namespace MemOS.Tests.Memory.Heap;

/// <summary>
/// Host stand-in for a heap's VMM: native memory at a virtual base, a backing that maps pages on Extend and
/// can fail on demand, and a memory accessor that throws if the heap touches a page it was not given.
/// Pages count as "touched" (a frame mapped on demand) on first access, like demand backing.
/// </summary>
public sealed unsafe class TestArena : IHeapWords, IHeapBacking, IDisposable
{
    public static readonly VirtualAddress KernelBase = new(0xFFFF_C000_0000_0000UL);
    private byte* _memory, _block;
    private readonly bool[] _mapped, _touched, _decommitted;

    public TestArena(ulong size, VirtualAddress? heapBase = null) : this(size, heapBase, identity: false) { }

    /// <summary>
    /// An arena whose heap addresses are its host addresses (Base = the native block), for a heap with raw-pointer
    /// access (HeapMemory.Direct: the heaps' fast paths). The heap's own reads and writes then bypass the checks
    /// below; the backing's bookkeeping (mapped pages, commits) still holds.
    /// </summary>
    public static TestArena Identity(ulong size) => new(size, null, identity: true);

    private TestArena(ulong size, VirtualAddress? heapBase, bool identity)
    {
        Size = size;
        // calloc commits nothing until touched; a page more than asked for lets the block start on a page.
        _block = (byte*)NativeMemory.AllocZeroed((nuint)size + 4096);
        _memory = (byte*)(((ulong)_block + 4095) & ~4095UL);
        Base = identity ? (ulong)_memory : (heapBase ?? KernelBase).Value;
        IsIdentity = identity;
        _mapped = new bool[size / 4096];
        _touched = new bool[size / 4096];
        _decommitted = new bool[size / 4096];
    }

    /// <summary>Heap addresses are host addresses: a heap over it may use raw pointers.</summary>
    public bool IsIdentity { get; }

    public ulong Base { get; }
    public ulong Size { get; }
    public bool FailExtend { get; set; }
    /// <summary>Extend fails with OutOfMemory beyond this many mapped pages.</summary>
    public int PageLimit { get; set; } = int.MaxValue;
    public int ExtendCalls { get; private set; }
    public int ReleaseCalls { get; private set; }
    public int MappedPages { get; private set; }
    public int TouchedPages { get; private set; }
    /// <summary>Pages given back by Decommit and not committed again: the heap must not touch them.</summary>
    public int DecommittedPages { get; private set; }
    public int CommitCalls { get; private set; }
    /// <summary>Commit fails with OutOfMemory when set (as when the PMM has no frame for a demand page).</summary>
    public bool FailCommit { get; set; }

    /// <summary>Host pointer to a heap address, unchecked: for tests that corrupt the heap on purpose.</summary>
    public byte* Raw(VirtualAddress address) => _memory + (address.Value - Base);

    private byte* At(ulong va, ulong length, bool write = true)
    {
        if (va < Base || va - Base > Size || length > Size - (va - Base))
            throw new InvalidOperationException($"heap access 0x{va:x}+{length} outside the arena");
        for (ulong page = (va - Base) / 4096; page <= (va - Base + length - 1) / 4096; page++)
        {
            if (!_mapped[page])
                throw new InvalidOperationException($"heap touched unmapped page at 0x{Base + page * 4096:x}");
            if (_decommitted[page] && write) // reads see zeros, as a demand read maps the zero page
                throw new InvalidOperationException($"heap touched decommitted page at 0x{Base + page * 4096:x}");
            if (!_touched[page] && !_decommitted[page]) { _touched[page] = true; TouchedPages++; }
        }
        return _memory + (va - Base);
    }

    public ulong Read64(VirtualAddress address) => *(ulong*)At(address.Value, 8, write: false);
    public void Write64(VirtualAddress address, ulong value) => *(ulong*)At(address.Value, 8) = value;

    public void Fill(VirtualAddress address, byte value, ulong length)
    {
        if (length != 0) new Span<byte>(At(address.Value, length), checked((int)length)).Fill(value);
    }

    public MemoryError Extend(VirtualAddress start, ulong length)
    {
        ExtendCalls++;
        (ulong first, ulong count) = Pages(start, length);
        if (FailExtend || MappedPages + (long)count > PageLimit) return MemoryError.OutOfMemory;
        for (ulong p = first; p < first + count; p++)
        {
            if (_mapped[p]) throw new InvalidOperationException($"Extend over mapped page 0x{Base + p * 4096:x}");
            _mapped[p] = true;
        }
        MappedPages += (int)count;
        return MemoryError.None;
    }

    public MemoryError Release(VirtualAddress start, ulong length)
    {
        ReleaseCalls++;
        (ulong first, ulong count) = Pages(start, length);
        for (ulong p = first; p < first + count; p++)
        {
            if (!_mapped[p]) throw new InvalidOperationException($"Release of unmapped page 0x{Base + p * 4096:x}");
            _mapped[p] = false;
            if (_decommitted[p]) { _decommitted[p] = false; DecommittedPages--; }
            if (_touched[p]) { _touched[p] = false; TouchedPages--; }
            new Span<byte>(_memory + p * 4096, 4096).Clear(); // a later Extend gives zeroed pages again
        }
        MappedPages -= (int)count;
        return MemoryError.None;
    }

    public MemoryError Commit(VirtualAddress start, ulong length)
    {
        CommitCalls++;
        if (length == 0) return MemoryError.None;
        ulong first = (start.Value & ~4095UL) - Base, end = start.Value + length - Base;
        for (ulong p = first / 4096; p < (end + 4095) / 4096; p++)
        {
            if (!_mapped[p]) throw new InvalidOperationException($"Commit of unmapped page 0x{Base + p * 4096:x}");
            if (!_decommitted[p]) continue;
            if (FailCommit) return MemoryError.OutOfMemory;
            _decommitted[p] = false;
            DecommittedPages--;
        }
        return MemoryError.None;
    }

    public MemoryError Decommit(VirtualAddress start, ulong length)
    {
        (ulong first, ulong count) = Pages(start, length);
        for (ulong p = first; p < first + count; p++)
        {
            if (!_mapped[p]) throw new InvalidOperationException($"Decommit of unmapped page 0x{Base + p * 4096:x}");
            if (_decommitted[p]) continue;
            _decommitted[p] = true;
            DecommittedPages++;
            if (_touched[p]) { _touched[p] = false; TouchedPages--; }
            new Span<byte>(_memory + p * 4096, 4096).Clear(); // a committed page comes back zeroed
        }
        return MemoryError.None;
    }

    public bool IsDecommitted(VirtualAddress address) => _decommitted[(address.Value - Base) / 4096];

    public bool IsTouched(VirtualAddress address) => _touched[(address.Value - Base) / 4096];

    private (ulong, ulong) Pages(VirtualAddress start, ulong length)
    {
        if (!start.IsPageAligned || (length & 4095) != 0 || length == 0)
            throw new InvalidOperationException($"backing call not page aligned: {start} +{length}");
        if (start.Value < Base || start.Value - Base + length > Size)
            throw new InvalidOperationException($"backing call outside the arena: {start} +{length}");
        return ((start.Value - Base) / 4096, length / 4096);
    }

    public void Dispose()
    {
        if (_block != null) NativeMemory.Free(_block);
        _block = null;
        _memory = null;
    }
}
