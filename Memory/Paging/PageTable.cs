using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using MemOS.Memory.Tracing;

namespace MemOS.Memory.Paging;

/// <summary>
/// An x86_64 4-level page table (PML4 → PDPT → PD → PT) living in physical frames, read and written only
/// through IPhysicalMemory: map, unmap, protect, translate and walk 4 KiB and 2 MiB pages.
/// </summary>
/// <remarks>
/// Intermediate tables come from the frame allocator (zeroed) and go back as soon as they are empty, except
/// the PML4 and the kernel-half PDPTs (PML4 entries 256..511), which every address space shares.
/// Every operation either succeeds or returns an error with nothing changed; none allocates managed memory.
/// </remarks>
public sealed class PageTable
{
    public const ulong HugePageSize = 2UL << 20;
    public const ulong GiantPageSize = 1UL << 30;
    private const int EntriesPerTable = 512;
    private const ulong P = (ulong)PageFlags.Present;
    private const ulong PS = (ulong)PageFlags.HugePage;
    private const ulong AD = (ulong)(PageFlags.Accessed | PageFlags.Dirty);

    private readonly IPhysicalMemory _memory;
    private readonly IFrameAllocator _frames;
    private readonly ITlb _tlb;
    private readonly ulong _addressMask;
    // The flag bits an entry may carry: every PageFlags bit, less NX on a CPU without it (there bit 63 is reserved).
    private readonly ulong _flagMask;
    private readonly bool _sharedKernelHalf;
    private bool _destroyed;

    private PageTable(IPhysicalMemory memory, IFrameAllocator frames, ITlb tlb, PhysicalAddress root,
        int physicalAddressBits, bool sharedKernelHalf, bool noExecute)
    {
        _memory = memory;
        _frames = frames;
        _tlb = tlb;
        Root = root;
        PhysicalAddressBits = physicalAddressBits;
        _addressMask = PageTableEntry.AddressMask(physicalAddressBits);
        _sharedKernelHalf = sharedKernelHalf;
        NoExecute = noExecute;
        _flagMask = PageTableEntry.FlagMask & (noExecute ? ulong.MaxValue : ~(ulong)PageFlags.NoExecute);
    }

    /// <summary>The PML4's physical address (what CR3 holds).</summary>
    public PhysicalAddress Root { get; }

    /// <summary>Physical-address width (MAXPHYADDR); entry address fields are masked to it.</summary>
    public int PhysicalAddressBits { get; }

    /// <summary>
    /// Whether entries carry NX (EFER.NXE). Without it, as Linux does on such CPUs, NX is dropped from every entry
    /// written: pages meant to be no-execute stay executable, and bit 63 stays clear (it would be a reserved bit).
    /// </summary>
    public bool NoExecute { get; }

    /// <summary>The TLB this table's changes are invalidated through.</summary>
    public ITlb Tlb => _tlb;

    /// <summary>
    /// A new, empty PML4 (plus the shared kernel half when a template is given; the template then also says whether
    /// the CPU has NX).
    /// </summary>
    public static Result<PageTable> Create(IPhysicalMemory memory, IFrameAllocator frames, ITlb tlb,
        KernelHalfTemplate? kernelHalf = null, int physicalAddressBits = 52)
    {
        if (physicalAddressBits < 32 || physicalAddressBits > 52)
            return Result<PageTable>.Fail(MemoryError.InvalidArgument);
        if (kernelHalf != null && kernelHalf.PhysicalAddressBits != physicalAddressBits)
            return Result<PageTable>.Fail(MemoryError.InvalidArgument);
        var root = frames.AllocateFrame();
        if (!root.Ok) return Result<PageTable>.Fail(root.Error);
        memory.Zero(root.Value, PhysicalAddress.FrameSize);
        kernelHalf?.CopyInto(memory, root.Value);
        return Result<PageTable>.Success(new PageTable(memory, frames, tlb, root.Value, physicalAddressBits,
            kernelHalf != null, kernelHalf?.NoExecute ?? true));
    }

    /// <summary>Bytes in a page of a size.</summary>
    public static ulong Bytes(PageSize size) => size switch
    {
        PageSize.Size2M => HugePageSize,
        PageSize.Size1G => GiantPageSize,
        _ => VirtualAddress.PageSize,
    };

    /// <summary>
    /// Map one page. Conflicting or existing mappings, bad addresses, out of memory → error, nothing changed.
    /// </summary>
    public PageTableChange Map(VirtualAddress va, PhysicalAddress frame, PageFlags flags,
        PageSize size = PageSize.Size4K)
    {
        var error = CheckTarget(va, frame, size);
        if (error != MemoryError.None) return PageTableChange.Fail(error);
        int leafLevel = size == PageSize.Size2M ? 2 : 1;
        Span<ulong> tables = stackalloc ulong[5];
        int level = Descend(va, tables, out ulong entry);
        if ((entry & P) != 0)
        {
            bool same = level == leafLevel && (leafLevel == 1 || (entry & PS) != 0);
            return PageTableChange.Fail(same ? MemoryError.AlreadyMapped : MemoryError.Conflict);
        }
        // a PT of 4 KiB pages where a 2 MiB page would go
        if (level < leafLevel) return PageTableChange.Fail(MemoryError.Conflict);

        if (level > leafLevel)
        {
            error = MakeTables(va, tables, level, leafLevel);
            if (error != MemoryError.None) return PageTableChange.Fail(error);
        }
        ulong leaf = frame.Value | ((ulong)flags & _flagMask & ~PS) | P | (leafLevel == 2 ? PS : 0);
        WriteEntry(tables[leafLevel], va.TableIndex(leafLevel), leaf);
        if (MemoryTrace.On)
            MemoryTrace.Emit(MemoryEventKind.EntryWritten, va.Value, frame: frame.Value, value: leaf & ~_addressMask,
                detail: (uint)leafLevel);
        // A not-present entry is never cached by the TLB: nothing to invalidate.
        return new PageTableChange(MemoryError.None, default, TlbInvalidation.None);
    }

    /// <summary>
    /// Map one 4 KiB page into <paramref name="leafTable"/>, the page table (PT) a walk just found for it
    /// (<see cref="Lookup(VirtualAddress, out ulong)"/>) with no page-table change since: the fault path decides on one
    /// walk and maps on it, as Linux's carries the pte pointer. 0 (no PT yet), or anything but a plain 4 KiB map into a
    /// free entry, takes <see cref="Map"/>.
    /// </summary>
    internal PageTableChange MapInLeafTable(ulong leafTable, VirtualAddress va, PhysicalAddress frame, PageFlags flags)
    {
        const ulong pageMask = VirtualAddress.PageSize - 1;
        int index = va.TableIndex(1);
        if (leafTable == 0 || _destroyed || !va.IsCanonical || ((va.Value | frame.Value) & pageMask) != 0
            || (frame.Value & ~_addressMask) != 0 || (ReadEntry(leafTable, index) & P) != 0)
            return Map(va, frame, flags);
        ulong leaf = frame.Value | ((ulong)flags & _flagMask & ~PS) | P;
        WriteEntry(leafTable, index, leaf);
        if (MemoryTrace.On)
            MemoryTrace.Emit(MemoryEventKind.EntryWritten, va.Value, frame: frame.Value, value: leaf & ~_addressMask,
                detail: 1);
        return new PageTableChange(MemoryError.None, default, TlbInvalidation.None);
    }

    /// <summary>
    /// Unmap one page and return the frame it mapped (the caller decides whether to free it). A 4 KiB piece of a 2 MiB
    /// page splits it.
    /// </summary>
    public PageTableChange Unmap(VirtualAddress va, PageSize size = PageSize.Size4K)
    {
        var error = CheckVirtual(va, size);
        if (error != MemoryError.None) return PageTableChange.Fail(error);
        Span<ulong> tables = stackalloc ulong[5];
        int level = Descend(va, tables, out ulong entry);
        if ((entry & P) == 0) return PageTableChange.Fail(MemoryError.NotMapped);
        error = Leaf(va, size, tables, ref entry, ref level, out TlbInvalidation invalidation);
        if (error != MemoryError.None) return PageTableChange.Fail(error);
        WriteEntry(tables[level], va.TableIndex(level), 0);
        var frame = new PhysicalAddress(entry & _addressMask & ~(Bytes(size) - 1));
        if (MemoryTrace.On)
            MemoryTrace.Emit(MemoryEventKind.EntryCleared, va.Value, frame: frame.Value, detail: (uint)level);
        FreeEmptyTables(va, tables, level);
        invalidation.Apply(_tlb);
        return new PageTableChange(MemoryError.None, frame, invalidation);
    }

    // The leaf entry for a change of `size` at va: a 2 MiB change needs a 2 MiB page; a 4 KiB change inside a
    // 2 MiB page splits it first (then the whole 2 MiB range needs invalidating). Says which addresses the change
    // will invalidate.
    private MemoryError Leaf(VirtualAddress va, PageSize size, Span<ulong> tables, ref ulong entry, ref int level,
        out TlbInvalidation invalidation)
    {
        invalidation = TlbInvalidation.None;
        if (size == PageSize.Size2M)
        {
            if (level != 2) return MemoryError.Conflict;
            invalidation = TlbInvalidation.Range(va, HugePageSize);
            return MemoryError.None;
        }
        if (level == 3) return MemoryError.Conflict;
        if (level != 2)
        {
            invalidation = TlbInvalidation.Page(va);
            return MemoryError.None;
        }
        MemoryError error = Split(va, tables, entry);
        if (error != MemoryError.None) return error;
        entry = ReadEntry(tables[1], va.TableIndex(1));
        level = 1;
        invalidation = TlbInvalidation.Range(new VirtualAddress(va.Value & ~(HugePageSize - 1)), HugePageSize);
        return MemoryError.None;
    }

    /// <summary>Change a mapping's flags (A and D are kept). A 4 KiB piece of a 2 MiB page splits it.</summary>
    public PageTableChange Protect(VirtualAddress va, PageFlags flags, PageSize size = PageSize.Size4K)
    {
        var error = CheckVirtual(va, size);
        if (error != MemoryError.None) return PageTableChange.Fail(error);
        Span<ulong> tables = stackalloc ulong[5];
        int level = Descend(va, tables, out ulong entry);
        if ((entry & P) == 0) return PageTableChange.Fail(MemoryError.NotMapped);
        ulong newFlags = ((ulong)flags & _flagMask & ~(PS | AD)) | P;
        error = Leaf(va, size, tables, ref entry, ref level, out TlbInvalidation invalidation);
        if (error != MemoryError.None) return PageTableChange.Fail(error);
        if (size == PageSize.Size2M) newFlags |= PS;
        WriteEntry(tables[level], va.TableIndex(level), (entry & (_addressMask | AD)) | newFlags);
        if (MemoryTrace.On)
            MemoryTrace.Emit(MemoryEventKind.EntryChanged, va.Value, frame: entry & _addressMask,
                value: (entry & AD) | newFlags, detail: (uint)level);
        invalidation.Apply(_tlb);
        return new PageTableChange(MemoryError.None, new PhysicalAddress(entry & _addressMask & ~(Bytes(size) - 1)),
            invalidation);
    }

    /// <summary>
    /// Point a mapped 4 KiB page at another frame (copy-on-write); returns the frame it mapped before.
    /// </summary>
    public PageTableChange Replace(VirtualAddress va, PhysicalAddress frame, PageFlags flags)
    {
        var error = CheckTarget(va, frame, PageSize.Size4K);
        if (error != MemoryError.None) return PageTableChange.Fail(error);
        Span<ulong> tables = stackalloc ulong[5];
        int level = Descend(va, tables, out ulong entry);
        if ((entry & P) == 0) return PageTableChange.Fail(MemoryError.NotMapped);
        if (level != 1) return PageTableChange.Fail(MemoryError.Conflict);
        ulong leaf = frame.Value | ((ulong)flags & _flagMask & ~PS) | P;
        WriteEntry(tables[1], va.TableIndex(1), leaf);
        if (MemoryTrace.On)
            MemoryTrace.Emit(MemoryEventKind.EntryChanged, va.Value, frame: frame.Value, value: leaf & ~_addressMask,
                detail: 1);
        var invalidation = TlbInvalidation.Page(va);
        invalidation.Apply(_tlb);
        return new PageTableChange(MemoryError.None, new PhysicalAddress(entry & _addressMask), invalidation);
    }

    /// <summary>
    /// The not-present PTE that marks a page whose frame is charged (reserved in the PMM) but not yet taken: only a
    /// software bit, so the CPU still faults on it, and non-zero, so it keeps its tables alive until cleared.
    /// </summary>
    public const ulong ChargedEntry = 1UL << 9;

    /// <summary>
    /// Mark an unmapped 4 KiB page as charged, making its tables now so the fault that later maps it needs nothing
    /// but its frame. Mapped → AlreadyMapped; out of frames for tables → error, nothing changed.
    /// </summary>
    public MemoryError MarkCharged(VirtualAddress va)
    {
        var error = CheckVirtual(va, PageSize.Size4K);
        if (error != MemoryError.None) return error;
        Span<ulong> tables = stackalloc ulong[5];
        int level = Descend(va, tables, out ulong entry);
        if ((entry & P) != 0) return level == 1 ? MemoryError.AlreadyMapped : MemoryError.Conflict;
        error = MakeTables(va, tables, level, 1);
        if (error != MemoryError.None) return error;
        WriteEntry(tables[1], va.TableIndex(1), ChargedEntry);
        return MemoryError.None;
    }

    /// <summary>The page's entry is the charged marker (see <see cref="MarkCharged"/>).</summary>
    public bool IsCharged(VirtualAddress va)
    {
        if (!va.IsCanonical || _destroyed) return false;
        Span<ulong> tables = stackalloc ulong[5];
        return Descend(va, tables, out ulong entry) == 1 && entry == ChargedEntry;
    }

    /// <summary>As <see cref="IsCharged"/>, reading the entry in <paramref name="leafTable"/> (see
    /// <see cref="MapInLeafTable"/>) when known, without a walk.</summary>
    internal bool IsChargedIn(ulong leafTable, VirtualAddress va)
        => leafTable == 0 ? IsCharged(va) : !_destroyed && ReadEntry(leafTable, va.TableIndex(1)) == ChargedEntry;

    /// <summary>Clear a charged marker (tables left empty go back). False when the page had none.</summary>
    public bool ClearCharged(VirtualAddress va)
    {
        if (!va.IsCanonical || _destroyed) return false;
        Span<ulong> tables = stackalloc ulong[5];
        if (Descend(va, tables, out ulong entry) != 1 || entry != ChargedEntry) return false;
        WriteEntry(tables[1], va.TableIndex(1), 0);
        FreeEmptyTables(va, tables, 1);
        return true;
    }

    /// <summary>What is mapped at an address (or how large the hole around it is).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public PageLookup Lookup(VirtualAddress va) => Lookup(va, out _);

    /// <summary>
    /// As <see cref="Lookup(VirtualAddress)"/>; <paramref name="leafTable"/> is the page table (PT) holding va's 4 KiB
    /// entry when the walk reached one, else 0 (for <see cref="MapInLeafTable"/>).
    /// </summary>
    internal PageLookup Lookup(VirtualAddress va, out ulong leafTable)
    {
        leafTable = 0;
        if (!va.IsCanonical || _destroyed)
            return new PageLookup(false, va.PageBase, default, PageFlags.None, PageSize.Size4K,
                VirtualAddress.PageSize);
        Span<ulong> tables = stackalloc ulong[5];
        int level = Descend(va, tables, out ulong entry);
        if (level == 1) leafTable = tables[1];
        ulong extent = 1UL << (12 + 9 * (level - 1));
        var page = new VirtualAddress(va.Value & ~(extent - 1));
        if ((entry & P) == 0) return new PageLookup(false, page, default, PageFlags.None, PageSize.Size4K, extent);
        var size = level == 1 ? PageSize.Size4K : level == 2 ? PageSize.Size2M : PageSize.Size1G;
        var frame = new PhysicalAddress(entry & _addressMask & ~(extent - 1));
        return new PageLookup(true, page, frame, (PageFlags)(entry & PageTableEntry.FlagMask), size, extent);
    }

    /// <summary>The physical address a virtual address maps to; NotMapped or NonCanonical otherwise.</summary>
    public Result<PhysicalAddress> Translate(VirtualAddress va)
    {
        if (!va.IsCanonical) return Result<PhysicalAddress>.Fail(MemoryError.NonCanonical);
        var lookup = Lookup(va);
        return lookup.IsMapped ? Result<PhysicalAddress>.Success(lookup.Translate(va))
            : Result<PhysicalAddress>.Fail(MemoryError.NotMapped);
    }

    /// <summary>
    /// Walk level by level for display (`pagewalk`), checking reserved bits as the CPU would (NX is one without
    /// EFER.NXE).
    /// Allocates.
    /// </summary>
    public PageWalk Walk(VirtualAddress va)
    {
        var steps = new List<PageWalkStep>(4);
        if (!va.IsCanonical) return new PageWalk(va, steps, PageWalkStop.NonCanonical, default, 0);
        ulong table = Root.Value;
        for (int level = 4; ; level--)
        {
            int index = va.TableIndex(level);
            ulong entry = ReadEntry(table, index);
            var next = new PhysicalAddress(entry & _addressMask);
            steps.Add(new PageWalkStep((PageTableLevel)level, index, new PhysicalAddress(table), entry,
                (PageFlags)(entry & PageTableEntry.FlagMask), next));
            if ((entry & P) == 0) return new PageWalk(va, steps, PageWalkStop.NotPresent, default, 0);
            ulong reserved = PageTableEntry.ReservedBits(entry, (PageTableLevel)level, PhysicalAddressBits,
                noExecuteEnabled: NoExecute);
            if (reserved != 0) return new PageWalk(va, steps, PageWalkStop.ReservedBits, default, reserved);
            if (level == 1)
                return new PageWalk(va, steps, PageWalkStop.Translated, next + va.PageOffset, 0);
            if ((entry & PS) != 0)
            {
                ulong extent = 1UL << (12 + 9 * (level - 1));
                return new PageWalk(va, steps, PageWalkStop.HugePage,
                    new PhysicalAddress((entry & _addressMask & ~(extent - 1)) + (va.Value & (extent - 1))), 0);
            }
            table = next.Value;
        }
    }

    /// <summary>
    /// Free the PML4 (and kernel-half PDPTs it owns when there is no template). Anything still mapped → Conflict,
    /// nothing freed.
    /// </summary>
    public MemoryError Destroy()
    {
        if (_destroyed) return MemoryError.DoubleFree;
        for (int i = 0; i < KernelHalfTemplate.FirstEntry; i++)
            if ((ReadEntry(Root.Value, i) & P) != 0) return MemoryError.Conflict;
        if (!_sharedKernelHalf)
        {
            for (int i = KernelHalfTemplate.FirstEntry; i < EntriesPerTable; i++)
            {
                ulong entry = ReadEntry(Root.Value, i);
                if ((entry & P) != 0 && !IsEmpty(entry & _addressMask)) return MemoryError.Conflict;
            }
            for (int i = KernelHalfTemplate.FirstEntry; i < EntriesPerTable; i++)
            {
                ulong entry = ReadEntry(Root.Value, i);
                if ((entry & P) == 0) continue;
                _frames.FreeFrame(new PhysicalAddress(entry & _addressMask));
                if (MemoryTrace.On)
                    MemoryTrace.Emit(MemoryEventKind.TableFreed, frame: entry & _addressMask, detail: 3);
            }
        }
        _frames.FreeFrame(Root);
        if (MemoryTrace.On) MemoryTrace.Emit(MemoryEventKind.TableFreed, frame: Root.Value, detail: 4);
        _destroyed = true;
        return MemoryError.None;
    }

    // ---- internals -------------------------------------------------------------------------------

    // Follow va from the root; tables[level] receives the table whose entry is used at that level. Returns
    // the level where the walk ended: its entry is not present, or a leaf (a PTE, or PS set in a PD/PDPT).
    private int Descend(VirtualAddress va, Span<ulong> tables, out ulong entry)
    {
        ulong table = Root.Value;
        for (int level = 4; ; level--)
        {
            tables[level] = table;
            entry = ReadEntry(table, va.TableIndex(level));
            if ((entry & P) == 0 || level == 1 || (level <= 3 && (entry & PS) != 0)) return level;
            table = entry & _addressMask;
        }
    }

    // Make the tables missing between `level` (where the walk stopped) and `leafLevel`, filling tables[] down to the
    // leaf's. Every frame is allocated first, so running out of frames changes nothing.
    private MemoryError MakeTables(VirtualAddress va, Span<ulong> tables, int level, int leafLevel)
    {
        int missing = level - leafLevel;
        Span<ulong> fresh = stackalloc ulong[3];
        for (int i = 0; i < missing; i++)
        {
            var table = AllocateTable();
            if (!table.Ok)
            {
                for (int j = 0; j < i; j++) _frames.FreeFrame(new PhysicalAddress(fresh[j]));
                return table.Error;
            }
            fresh[i] = table.Value.Value;
        }
        for (int l = level; l > leafLevel; l--)
        {
            ulong next = fresh[level - l];
            WriteEntry(tables[l], va.TableIndex(l), next | IntermediateFlags(va));
            if (MemoryTrace.On)
                MemoryTrace.Emit(MemoryEventKind.TableAllocated, va.Value, frame: next, detail: (uint)(l - 1));
            tables[l - 1] = next;
        }
        return MemoryError.None;
    }

    // Replace the 2 MiB entry covering va by a PT of 512 4 KiB entries mapping the same frames with the same flags.
    private MemoryError Split(VirtualAddress va, Span<ulong> tables, ulong hugeEntry)
    {
        var pt = AllocateTable();
        if (!pt.Ok) return pt.Error;
        ulong baseFrame = hugeEntry & _addressMask & ~(HugePageSize - 1);
        ulong flags = hugeEntry & _flagMask & ~PS;
        for (int i = 0; i < EntriesPerTable; i++)
            WriteEntry(pt.Value.Value, i, (baseFrame + (ulong)i * VirtualAddress.PageSize) | flags);
        WriteEntry(tables[2], va.TableIndex(2), pt.Value.Value | IntermediateFlags(va));
        if (MemoryTrace.On)
            MemoryTrace.Emit(MemoryEventKind.TableAllocated, va.Value, frame: pt.Value.Value, detail: 1);
        tables[1] = pt.Value.Value;
        return MemoryError.None;
    }

    // After clearing an entry in tables[level], give back every table that became empty, bottom up.
    private void FreeEmptyTables(VirtualAddress va, Span<ulong> tables, int level)
    {
        for (; level < 4; level++)
        {
            // shared kernel PDPTs stay forever
            if (level == 3 && va.TableIndex(4) >= KernelHalfTemplate.FirstEntry) return;
            if (!IsEmpty(tables[level])) return;
            WriteEntry(tables[level + 1], va.TableIndex(level + 1), 0);
            _frames.FreeFrame(new PhysicalAddress(tables[level]));
            if (MemoryTrace.On)
                MemoryTrace.Emit(MemoryEventKind.TableFreed, va.Value, frame: tables[level], detail: (uint)level);
        }
    }

    private bool IsEmpty(ulong table)
    {
        for (int i = 0; i < EntriesPerTable; i++)
            if (ReadEntry(table, i) != 0) return false; // a charged marker keeps its table too
        return true;
    }

    private Result<PhysicalAddress> AllocateTable()
    {
        var frame = _frames.AllocateFrame();
        if (frame.Ok) _memory.Zero(frame.Value, PhysicalAddress.FrameSize);
        return frame;
    }

    // Upper levels are permissive (the leaf decides W/NX); U only in the user half, so the kernel half stays
    // supervisor-only.
    private static ulong IntermediateFlags(VirtualAddress va)
        => (ulong)(PageFlags.Present | PageFlags.Writable)
           | (va.TableIndex(4) < KernelHalfTemplate.FirstEntry ? (ulong)PageFlags.User : 0);

    private MemoryError CheckVirtual(VirtualAddress va, PageSize size)
    {
        if (_destroyed) return MemoryError.InvalidArgument;
        if (size != PageSize.Size4K && size != PageSize.Size2M) return MemoryError.InvalidArgument;
        if (!va.IsCanonical) return MemoryError.NonCanonical;
        if ((va.Value & (Bytes(size) - 1)) != 0) return MemoryError.Misaligned;
        return MemoryError.None;
    }

    private MemoryError CheckTarget(VirtualAddress va, PhysicalAddress frame, PageSize size)
    {
        var error = CheckVirtual(va, size);
        if (error != MemoryError.None) return error;
        if ((frame.Value & (Bytes(size) - 1)) != 0) return MemoryError.Misaligned;
        if ((frame.Value & ~_addressMask) != 0) return MemoryError.OutOfRange;
        return MemoryError.None;
    }

    private ulong ReadEntry(ulong table, int index) => _memory.Read64(new PhysicalAddress(table + (ulong)index * 8));
    private void WriteEntry(ulong table, int index, ulong value)
        => _memory.Write64(new PhysicalAddress(table + (ulong)index * 8), value);
}
