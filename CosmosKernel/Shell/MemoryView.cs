using System;
using System.Collections.Generic;
using MemOS.Kernel.MemoryManagement;
using MemOS.Memory;
using MemOS.Memory.Faults;
using MemOS.Memory.Heap;
using MemOS.Memory.Paging;
using MemOS.Memory.Physical;
using MemOS.Memory.Virtual;

namespace MemOS.Kernel.Shell;

/// <summary>
/// What several inspection commands read the same way: the fault counters line, the backing mode, the page-table
/// frames of an address space, and the frames of a heap's region.
/// </summary>
internal static class MemoryView
{
    public const ulong Frame = PhysicalAddress.FrameSize;

    /// <summary>
    /// The contract's counters line: "faults: T total, Z zero-page, D demand-zero, C copy-on-write, V violations".
    /// </summary>
    public static string FaultSummary(FaultStatistics s)
        => $"faults: {s.Faults} total, {s.ZeroPageMaps} zero-page, {s.PrivateFrames} demand-zero, "
            + $"{s.ZeroPageCopies + s.CopyOnWriteCopies} copy-on-write, {s.Violations} violations";

    /// <summary>
    /// What a heap that refused to follow a bad link says (the heap is named: only that one is affected).
    /// </summary>
    public static string Corrupted(HeapCore<HeapMemory> heap, bool user)
        => $"the {(user ? "user" : "kernel")} heap is corrupted: the block at {Format.Hex(heap.LastCorruption.Value)} "
           + "failed its checks and its links were not followed";

    /// <summary>The backing new regions and heap growth of the address space get (what `mode` sets).</summary>
    public static string Backing(AddressSpace space) => space.DefaultBacking.Describe();

    /// <summary>MiB, rounded down, for frame counts.</summary>
    public static ulong MiB(ulong frames) => frames * Frame / (1024 * 1024);

    /// <summary>
    /// Every paging-structure frame reachable from the address space's PML4 (the PML4 itself included), found by
    /// walking the tables through the direct map. Huge-page entries are leaves, not tables.
    /// </summary>
    public static HashSet<ulong> PageTableFrames(IPhysicalMemory memory, AddressSpace space)
    {
        var tables = new HashSet<ulong>();
        ulong mask = PageTableEntry.AddressMask(space.PageTable.PhysicalAddressBits);
        ulong root = space.PageTable.Root.Value;
        tables.Add(root);
        CollectTables(memory, root, 4, mask, tables);
        return tables;
    }

    private static void CollectTables(
        IPhysicalMemory memory, ulong table, int level, ulong mask, HashSet<ulong> tables)
    {
        if (level <= 1) return;
        for (int i = 0; i < 512; i++)
        {
            ulong entry = memory.Read64(new PhysicalAddress(table + (ulong)i * 8));
            if ((entry & (ulong)PageFlags.Present) == 0 || (entry & (ulong)PageFlags.HugePage) != 0) continue;
            ulong next = entry & mask;
            if (!tables.Add(next)) continue; // shared (kernel half) or already seen
            CollectTables(memory, next, level - 1, mask, tables);
        }
    }

    /// <summary>Frames a heap region has present (the heap's pages as the PMM sees them).</summary>
    public static void CollectRegionFrames(AddressSpace space, Region region, HashSet<ulong> frames)
    {
        ulong pages = region.Length / VirtualAddress.PageSize;
        for (ulong i = 0; i < pages; i++)
        {
            PageLookup lookup = space.PageTable.Lookup(region.Base + i * VirtualAddress.PageSize);
            if (lookup.IsMapped && lookup.Size == PageSize.Size4K) frames.Add(lookup.Frame.Value);
        }
    }
}
