using MemOS.Kernel.MemoryManagement;
using MemOS.Memory;
using MemOS.Memory.Paging;
using MemOS.Memory.Physical;

namespace MemOS.Kernel.Tests;

/// <summary>
/// Page-table changes on the real MMU that read a stale translation if their TLB flush were missing: each access
/// first loads the translation into the TLB, then the table changes, then the access is repeated and must see the new
/// entry (QEMU's TLB, like a CPU's, does not watch page-table writes).
/// </summary>
internal static unsafe class StaleTranslationChecks
{
    // In the kernel virtual area, far from every region: a fault here is refused (no region), never resolved.
    private const ulong Page = KernelLayout.KernelVirtualArea + 0x1_7000_0000;
    private const ulong Huge = KernelLayout.KernelVirtualArea + 0x1_8000_0000; // 2 MiB aligned
    private const ulong A = 0xAAAA_AAAA_AAAA_AAAA, B = 0xBBBB_BBBB_BBBB_BBBB;

    private static KernelMemory M => KernelMemory.Current!;

    private static ulong* Direct(PhysicalAddress frame) => (ulong*)KernelLayout.DirectMap(frame).Value;

    /// <summary>
    /// Replace, protect and unmap of a 4 KiB page, each seen at once through the same virtual address.
    /// </summary>
    public static string? FourKiB()
    {
        PageTable table = M.Space.PageTable;
        PhysicalAddress a = M.Pmm.AllocateFrame().Value, b = M.Pmm.AllocateFrame().Value;
        *Direct(a) = A;
        *Direct(b) = B;
        bool mapped = false;
        try
        {
            if (!table.Map(new VirtualAddress(Page), a, PageFlags.Writable | PageFlags.NoExecute).Ok)
                return "map failed";
            mapped = true;
            if (*(ulong*)Page != A) return "the new mapping does not read frame A";
            *(ulong*)Page = A; // a writable, dirty translation is now cached

            if (!table.Replace(new VirtualAddress(Page), b, PageFlags.Writable | PageFlags.NoExecute).Ok)
                return "replace failed";
            if (*(ulong*)Page != B) return "after replace the page still reads the old frame (stale TLB entry)";

            if (!table.Protect(new VirtualAddress(Page), PageFlags.NoExecute).Ok) return "protect failed";
            if (SafeAccess.TryWrite8(Page, 0x55))
                return "after protect read-only a write went through (stale TLB entry)";
            if (*Direct(b) != B) return "the refused write changed the frame";

            if (!table.Unmap(new VirtualAddress(Page)).Ok) return "unmap failed";
            mapped = false;
            return SafeAccess.TryRead64(Page, out ulong seen)
                ? $"after unmap the page still reads 0x{seen:x} (stale TLB entry)"
                : null;
        }
        finally
        {
            if (mapped) table.Unmap(new VirtualAddress(Page));
            M.Pmm.FreeFrame(a);
            M.Pmm.FreeFrame(b);
        }
    }

    /// <summary>
    /// A 2 MiB page split by protecting one 4 KiB piece: the piece is read-only at once, its neighbours not.
    /// </summary>
    public static string? TwoMiBSplit()
    {
        PageTable table = M.Space.PageTable;
        Result<PhysicalAddress> run = M.Pmm.AllocateContiguous(9, FrameConstraints.None, FrameUsage.Used);
        if (!run.Ok) return $"no 2 MiB run: {run.Error.Name()}";
        PhysicalAddress frame = run.Value;
        const ulong piece = Huge + 0x5000;
        bool mapped = false;
        try
        {
            if (!table.Map(new VirtualAddress(Huge), frame, PageFlags.Writable | PageFlags.NoExecute,
                    PageSize.Size2M).Ok)
                return "map of the 2 MiB page failed";
            mapped = true;
            *(ulong*)piece = A; // the 2 MiB translation, writable, is now cached
            *(ulong*)(piece + 0x1000) = A;

            if (!table.Protect(new VirtualAddress(piece), PageFlags.NoExecute).Ok)
                return "protect of the 4 KiB piece failed";
            if (SafeAccess.TryWrite8(piece, 0x55))
                return "after the split the piece is still writable (stale 2 MiB TLB entry)";
            *(ulong*)(piece + 0x1000) = B;
            if (*Direct(frame + 0x6000) != B) return "the neighbour does not write through to its frame";

            if (!table.Unmap(new VirtualAddress(piece + 0x1000)).Ok) return "unmap of the neighbour failed";
            if (SafeAccess.TryRead64(piece + 0x1000, out ulong seen))
                return $"after unmap the neighbour still reads 0x{seen:x}";
            return null;
        }
        finally
        {
            if (mapped)
            {
                for (ulong p = 0; p < PageTable.HugePageSize; p += 4096)
                {
                    if (table.Lookup(new VirtualAddress(Huge + p)).IsMapped) table.Unmap(new VirtualAddress(Huge + p));
                }
            }
            M.Pmm.FreeContiguous(frame, 9);
        }
    }
}
