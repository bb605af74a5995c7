using MemOS.Kernel.MemoryManagement;
using MemOS.Memory;
using MemOS.Memory.Physical;

namespace MemOS.Kernel.Tests;

/// <summary>
/// RAM above 4 GiB is managed and direct-mapped: a frame up there is handed out by the PMM, written and read back
/// through the direct map (whose page tables translate to exactly that frame), and freed.
/// </summary>
internal static unsafe class HighMemoryCheck
{
    private const ulong FourGiB = 1UL << 32;
    private const int Order = PhysicalMemoryManager.MaxOrder; // 4 MiB blocks: the low 3 GiB is taken in ~800 steps
    private const int MaxTries = 4096; // 16 GiB of blocks

    private static KernelMemory M => KernelMemory.Current!;

    public static string? NotApplicable()
        => M.Pmm.Statistics.TotalFrames * 4096 > FourGiB + (1UL << 30) ? null : "no RAM above 4 GiB on this machine";

    public static string? FrameAbove4GiB()
    {
        var taken = new PhysicalAddress[MaxTries]; // before the count: the kernel heap may grow for it
        ulong freeBefore = M.Pmm.FreeFrameCount;
        int count = 0;
        PhysicalAddress high = default;
        string? problem = null;
        while (count < MaxTries)
        {
            Result<PhysicalAddress> r = M.Pmm.AllocateContiguous(Order, FrameConstraints.None, FrameUsage.Used);
            if (!r.Ok) { problem = $"the PMM ran out after {count} blocks without one above 4 GiB"; break; }
            taken[count++] = r.Value;
            if (r.Value.Value >= FourGiB) { high = r.Value; break; }
        }
        if (problem == null && high.Value == 0) problem = $"{MaxTries} blocks, none above 4 GiB";
        if (problem == null) problem = WriteReadThroughDirectMap(high);
        // the block's last frame
        if (problem == null) problem = WriteReadThroughDirectMap(high + ((4096UL << Order) - 4096));
        for (int i = 0; i < count; i++) M.Pmm.FreeContiguous(taken[i], Order);
        if (problem != null) return problem;
        ulong freeAfter = M.Pmm.FreeFrameCount;
        return freeAfter == freeBefore ? null : $"free frames {freeBefore} before, {freeAfter} after freeing";
    }

    private static string? WriteReadThroughDirectMap(PhysicalAddress frame)
    {
        VirtualAddress va = KernelLayout.DirectMap(frame);
        Result<PhysicalAddress> translated = M.Space.PageTable.Translate(va);
        if (!translated.Ok || translated.Value != frame)
            return $"direct map 0x{va.Value:x} of frame 0x{frame.Value:x} translates to "
                + (translated.Ok ? $"0x{translated.Value.Value:x}" : translated.Error.Name());
        var words = (ulong*)va.Value;
        for (ulong i = 0; i < 512; i++) words[i] = frame.Value ^ (i * 0x9E37_79B9_7F4A_7C15);
        for (ulong i = 0; i < 512; i++)
        {
            if (words[i] != (frame.Value ^ (i * 0x9E37_79B9_7F4A_7C15)))
                return $"frame 0x{frame.Value:x}: word {i} reads 0x{words[i]:x} after the write";
        }
        return null;
    }
}
