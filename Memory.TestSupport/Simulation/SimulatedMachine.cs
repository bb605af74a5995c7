using System;
using MemOS.Memory.Faults;
using MemOS.Memory.Paging;
using MemOS.Memory.Virtual;

namespace MemOS.Memory.Simulation;

/// <summary>
/// A CPU's memory path in software, for host tests: a page walk over the real page tables in SimulatedRam,
/// checked exactly as x86_64 checks it, a page fault into the resolver on failure, and one retry.
/// </summary>
/// <remarks>
/// Honors CR0.WP, EFER.NXE, CR4.SMEP/SMAP; sets A on every entry used and D on the leaf for writes;
/// caches translations in SimulatedTlb, which every ITlb invalidation clears.
/// </remarks>
public sealed unsafe class SimulatedMachine
{
    private const ulong P = (ulong)PageFlags.Present;
    private const ulong PS = (ulong)PageFlags.HugePage;
    private const ulong W = (ulong)PageFlags.Writable;
    private const ulong U = (ulong)PageFlags.User;
    private const ulong NX = (ulong)PageFlags.NoExecute;
    private const ulong A = (ulong)PageFlags.Accessed;
    private const ulong D = (ulong)PageFlags.Dirty;
    private const ulong PageSize = VirtualAddress.PageSize;

    private AddressSpace? _cr3;
    private bool _writeProtect = true;
    private bool _noExecuteEnabled = true;
    private long _touches, _faults, _violations, _cr3Loads;

    public SimulatedMachine(SimulatedRam ram, IFrameAllocator frames, PageFaultResolver resolver)
    {
        Ram = ram;
        Frames = frames;
        Resolver = resolver;
    }

    public SimulatedRam Ram { get; }
    public IFrameAllocator Frames { get; }
    public PageFaultResolver Resolver { get; }
    public SimulatedTlb Tlb { get; } = new();

    /// <summary>The current address space. Loading it flushes the TLB, as a CR3 write does.</summary>
    public AddressSpace? Cr3
    {
        get => _cr3;
        set
        {
            _cr3 = value;
            _cr3Loads++;
            Tlb.Flush();
        }
    }

    /// <summary>CR0.WP: when set, kernel writes honor read-only pages (needed for copy-on-write).</summary>
    public bool WriteProtect { get => _writeProtect; set { _writeProtect = value; Tlb.Flush(); } }

    /// <summary>EFER.NXE: when clear, the NX bit is a reserved bit.</summary>
    public bool NoExecuteEnabled { get => _noExecuteEnabled; set { _noExecuteEnabled = value; Tlb.Flush(); } }

    /// <summary>CR4.SMEP: kernel instruction fetches from user pages fault.</summary>
    public bool Smep { get => Resolver.Smep; set { Resolver.Smep = value; Tlb.Flush(); } }

    /// <summary>CR4.SMAP: kernel data accesses to user pages fault.</summary>
    public bool Smap { get => Resolver.Smap; set { Resolver.Smap = value; Tlb.Flush(); } }

    public MachineStatistics Statistics
        => new(_touches, _faults, _violations, Tlb.Hits, Tlb.Misses, Tlb.PageInvalidations, Tlb.FullInvalidations,
            _cr3Loads);

    /// <summary>A new address space whose page-table changes invalidate this machine's TLB.</summary>
    public Result<AddressSpace> CreateAddressSpace(KernelHalfTemplate? kernelHalf = null, int guardPages = 1)
        => AddressSpace.Create(Ram, Frames, Tlb, kernelHalf, guardPages);

    /// <summary>One access: translate (walk or TLB), fault into the resolver on failure, retry once.</summary>
    public TouchResult Touch(VirtualAddress va, Access access, bool user)
    {
        _touches++;
        if (!va.IsCanonical)
        {
            _violations++; // #GP on the metal, not a page fault
            return new TouchResult(false, default, false, default, FaultOutcome.NonCanonical);
        }
        var space = _cr3;
        if (space == null)
        {
            _violations++;
            return new TouchResult(false, default, false, default, FaultOutcome.NoRegion);
        }
        if (TryAccess(space, va, access, user, out var physical, out var code))
            return new TouchResult(true, physical, false, default, FaultOutcome.None);
        _faults++;
        var resolution = Resolver.Resolve(space, va, code);
        if (resolution.IsViolation)
        {
            _violations++;
            return new TouchResult(false, default, true, code, resolution.Outcome);
        }
        if (TryAccess(space, va, access, user, out physical, out var again))
            return new TouchResult(true, physical, true, code, resolution.Outcome);
        _violations++;
        return new TouchResult(false, default, true, again, FaultOutcome.Unresolved);
    }

    public TouchResult Read8(VirtualAddress va, out byte value, bool user = false)
    {
        var result = Touch(va, Access.Read, user);
        value = result.Ok ? Ram.Read8(result.Physical) : (byte)0;
        return result;
    }

    public TouchResult Write8(VirtualAddress va, byte value, bool user = false)
    {
        var result = Touch(va, Access.Write, user);
        if (result.Ok) Ram.Write8(result.Physical, value);
        return result;
    }

    public TouchResult Read64(VirtualAddress va, out ulong value, bool user = false)
    {
        value = 0;
        if (va.PageOffset <= PageSize - 8)
        {
            var result = Touch(va, Access.Read, user);
            if (result.Ok) value = Ram.Read64(result.Physical);
            return result;
        }
        Span<byte> bytes = stackalloc byte[8];
        var split = Read(va, bytes, user);
        if (split.Ok) value = BitConverter.ToUInt64(bytes);
        return split;
    }

    public TouchResult Write64(VirtualAddress va, ulong value, bool user = false)
    {
        if (va.PageOffset <= PageSize - 8)
        {
            var result = Touch(va, Access.Write, user);
            if (result.Ok) Ram.Write64(result.Physical, value);
            return result;
        }
        Span<byte> bytes = stackalloc byte[8];
        BitConverter.TryWriteBytes(bytes, value);
        return Write(va, bytes, user);
    }

    /// <summary>Copy bytes out of virtual memory, page by page. Stops at the first violation.</summary>
    public TouchResult Read(VirtualAddress va, Span<byte> destination, bool user = false)
    {
        var last = new TouchResult(true, default, false, default, FaultOutcome.None);
        int done = 0;
        while (done < destination.Length)
        {
            var at = va + (ulong)done;
            int chunk = (int)Math.Min(PageSize - at.PageOffset, (ulong)(destination.Length - done));
            last = Touch(at, Access.Read, user);
            if (!last.Ok) return last;
            new Span<byte>(Ram.Pointer(last.Physical, (ulong)chunk), chunk).CopyTo(destination.Slice(done, chunk));
            done += chunk;
        }
        return last;
    }

    /// <summary>Copy bytes into virtual memory. Every page is checked for write before any byte is stored.</summary>
    public TouchResult Write(VirtualAddress va, ReadOnlySpan<byte> source, bool user = false)
    {
        var check = ForEachPage(va, (ulong)source.Length, user);
        if (!check.Ok) return check;
        int done = 0;
        while (done < source.Length)
        {
            var at = va + (ulong)done;
            int chunk = (int)Math.Min(PageSize - at.PageOffset, (ulong)(source.Length - done));
            var touch = Touch(at, Access.Write, user);
            source.Slice(done, chunk).CopyTo(new Span<byte>(Ram.Pointer(touch.Physical, (ulong)chunk), chunk));
            done += chunk;
        }
        return check;
    }

    /// <summary>Fill a virtual range with a byte (memset). Every page is checked for write first.</summary>
    public TouchResult Fill(VirtualAddress va, byte value, ulong length, bool user = false)
    {
        var check = ForEachPage(va, length, user);
        if (!check.Ok) return check;
        ulong done = 0;
        while (done < length)
        {
            var at = va + done;
            ulong chunk = Math.Min(PageSize - at.PageOffset, length - done);
            var touch = Touch(at, Access.Write, user);
            new Span<byte>(Ram.Pointer(touch.Physical, chunk), (int)chunk).Fill(value);
            done += chunk;
        }
        return check;
    }

    // Write-touch every page of [va, va + length) so a violation is found before anything is stored.
    private TouchResult ForEachPage(VirtualAddress va, ulong length, bool user)
    {
        var last = new TouchResult(true, default, false, default, FaultOutcome.None);
        if (length == 0) return last;
        if (length - 1 > ulong.MaxValue - va.Value)
            return new TouchResult(false, default, false, default, FaultOutcome.NonCanonical);
        ulong end = va.Value + length;
        for (ulong page = va.PageBase.Value; page < end && page >= va.PageBase.Value; page += PageSize)
        {
            last = Touch(new VirtualAddress(Math.Max(page, va.Value)), Access.Write, user);
            if (!last.Ok) return last;
        }
        return last;
    }

    // The MMU: TLB first, then a 4-level walk with the x86 checks; on failure, the error code the CPU would push.
    private bool TryAccess(AddressSpace space, VirtualAddress va, Access access, bool user,
        out PhysicalAddress physical, out ErrorCode code)
    {
        bool write = access == Access.Write;
        bool execute = access == Access.Execute;
        ulong vpn = va.Value >> 12;
        code = default;
        if (Tlb.TryLookup(vpn, out ulong cachedFrame, out byte rights)
            && Permits((rights & SimulatedTlb.Writable) != 0, (rights & SimulatedTlb.User) != 0,
                (rights & SimulatedTlb.NoExecute) != 0, access, user)
            && (!write || (rights & SimulatedTlb.Dirty) != 0))
        {
            Tlb.Hits++;
            physical = new PhysicalAddress(cachedFrame + va.PageOffset);
            return true;
        }
        Tlb.Misses++;
        physical = default;
        bool instruction = execute && (_noExecuteEnabled || Smep);

        var table = space.PageTable;
        int bits = table.PhysicalAddressBits;
        ulong mask = PageTableEntry.AddressMask(bits);
        ulong current = table.Root.Value;
        bool writable = true, userOk = true, noExecute = false;
        Span<ulong> used = stackalloc ulong[4];
        int count = 0;
        ulong entry;
        ulong pageBytes;
        for (int level = 4; ; level--)
        {
            ulong address = current + (ulong)va.TableIndex(level) * 8;
            entry = Ram.Read64(new PhysicalAddress(address));
            if ((entry & P) == 0)
            {
                code = ErrorCode.From(false, write, user, false, instruction);
                return false;
            }
            if (PageTableEntry.ReservedBits(entry, (PageTableLevel)level, bits, _noExecuteEnabled) != 0)
            {
                code = ErrorCode.From(true, write, user, true, instruction);
                return false;
            }
            used[count++] = address;
            writable &= (entry & W) != 0;
            userOk &= (entry & U) != 0;
            if (_noExecuteEnabled) noExecute |= (entry & NX) != 0;
            if (level == 1) { pageBytes = PageSize; break; }
            if (level <= 3 && (entry & PS) != 0) { pageBytes = 1UL << (12 + 9 * (level - 1)); break; }
            current = entry & mask;
        }
        if (!Permits(writable, userOk, noExecute, access, user))
        {
            code = ErrorCode.From(true, write, user, false, instruction);
            return false;
        }
        // Success: the CPU sets A on every entry it used and D on the leaf when writing.
        for (int i = 0; i < count; i++)
        {
            var address = new PhysicalAddress(used[i]);
            ulong e = Ram.Read64(address);
            ulong updated = e | A | (write && i == count - 1 ? D : 0);
            if (updated != e) Ram.Write64(address, updated);
        }
        bool dirty = write || (entry & D) != 0;
        ulong frame = (entry & mask & ~(pageBytes - 1)) + (va.Value & (pageBytes - 1) & ~(PageSize - 1));
        Tlb.Insert(vpn, frame, (byte)((writable ? SimulatedTlb.Writable : 0) | (userOk ? SimulatedTlb.User : 0)
                                     | (noExecute ? SimulatedTlb.NoExecute : 0) | (dirty ? SimulatedTlb.Dirty : 0)));
        physical = new PhysicalAddress(frame + va.PageOffset);
        return true;
    }

    // The x86 permission rules for an access given the combined W/U/NX of every level.
    private bool Permits(bool writable, bool userPage, bool noExecute, Access access, bool user)
    {
        bool write = access == Access.Write;
        bool execute = access == Access.Execute;
        if (user) return userPage && (!write || writable) && (!execute || !noExecute);
        if (userPage && (execute ? Smep : Smap)) return false;
        if (write && !writable && _writeProtect) return false;
        return !execute || !noExecute;
    }
}
