using MemOS.Kernel.MemoryManagement;
using MemOS.Memory;
using MemOS.Memory.Faults;
using MemOS.Memory.Physical;
using MemOS.Memory.Virtual;

namespace MemOS.Kernel.Tests;

/// <summary>
/// Copy-on-write of a shared frame that holds data (not the zero page), on the real MMU: two read-only mappings of
/// one frame; a write through one copies the frame's data to a new frame and leaves the other mapping on the old
/// data; the last holder's write makes the page writable in place; every frame comes back.
/// </summary>
internal static unsafe class SharedFrameCopyOnWrite
{
    private const ulong Area = KernelLayout.KernelVirtualArea + 0x1_3000_0000; // apart from the suite's regions
    private const int Words = 512;

    private static KernelMemory M => KernelMemory.Current!;

    private static ulong Pattern(int i) => 0xC0DE_0000_0000_0000UL | ((ulong)i * 0x0101_0101UL);

    private static ulong* Direct(PhysicalAddress frame) => (ulong*)KernelLayout.DirectMap(frame).Value;

    public static string? Run()
    {
        ulong freeBefore = M.Pmm.FreeFrameCount;
        string? problem = Check();
        ulong freeAfter = M.Pmm.FreeFrameCount;
        if (problem != null) return problem;
        return freeAfter == freeBefore ? null
            : $"{(long)freeBefore - (long)freeAfter} frame(s) not given back (free {freeBefore} -> {freeAfter})";
    }

    private static string? Check()
    {
        Result<PhysicalAddress> source = M.Pmm.AllocateFrame();
        if (!source.Ok) return "no frame for the shared data";
        PhysicalAddress shared = source.Value;
        for (int i = 0; i < Words; i++) Direct(shared)[i] = Pattern(i);
        Result<Region> made = M.Space.CreateRegion("cow shared", 2 * 4096, RegionFlags.Read | RegionFlags.Write,
            RegionPlacement.Fixed(new VirtualAddress(Area)), RegionBacking.Demand);
        if (!made.Ok)
        {
            M.Pmm.FreeFrame(shared);
            return $"no region: {made.Error}";
        }
        Region r = made.Value;
        try
        {
            ulong a = r.Base.Value, b = r.Base.Value + 4096;
            MemoryError e1 = M.Space.ShareFrame(r, new VirtualAddress(a), shared);
            MemoryError e2 = M.Space.ShareFrame(r, new VirtualAddress(b), shared);
            M.Pmm.FreeFrame(shared); // the two mappings are its holders now
            if (e1 != MemoryError.None || e2 != MemoryError.None) return $"ShareFrame: {e1}, {e2}";
            if (M.Pmm.ReferenceCount(shared) != 2)
                return $"the shared frame has {M.Pmm.ReferenceCount(shared)} references, expected 2";
            if (!SafeAccess.TryRead64(a + 8, out ulong ra) || !SafeAccess.TryRead64(b + 8, out ulong rb)
                || ra != Pattern(1) || rb != Pattern(1))
                return "the two mappings do not read the shared data";

            long copies = M.Resolver.Count(FaultOutcome.CopiedOnWrite);
            long inPlace = M.Resolver.Count(FaultOutcome.MadeWritable);
            if (!SafeAccess.TryWrite64(a, 0x5555_5555_5555_5555)) return "the write through the first was refused";
            if (M.Resolver.Count(FaultOutcome.CopiedOnWrite) - copies != 1) return "the write did not copy the frame";
            PhysicalAddress copy = M.Space.PageTable.Translate(new VirtualAddress(a)).Value;
            if (copy == shared) return "the written page still maps the shared frame";
            if (M.Space.PageTable.Translate(new VirtualAddress(b)).Value != shared)
                return "the other page no longer maps the shared frame";
            if (M.Pmm.ReferenceCount(shared) != 1)
                return $"the shared frame has {M.Pmm.ReferenceCount(shared)} references after the copy, expected 1";
            if (Direct(copy)[0] != 0x5555_5555_5555_5555) return "the write did not land in the copy";
            for (int i = 1; i < Words; i++)
                if (Direct(copy)[i] != Pattern(i)) return $"word {i} of the copy is not the shared data";
            if (!SafeAccess.TryRead64(b, out ulong old) || old != Pattern(0))
                return $"the other mapping reads 0x{old:x} at 0, not the old data 0x{Pattern(0):x}";

            // the last holder writes: nobody else has the frame, so it becomes writable where it is
            if (!SafeAccess.TryWrite64(b + 16, 0x6666)) return "the write through the second was refused";
            if (M.Resolver.Count(FaultOutcome.MadeWritable) - inPlace != 1) return "the last holder's write copied";
            if (M.Space.PageTable.Translate(new VirtualAddress(b)).Value != shared)
                return "the last holder's page moved to another frame";
            if (Direct(shared)[2] != 0x6666 || Direct(shared)[0] != Pattern(0))
                return "the shared frame's data is wrong";
            if (Direct(copy)[2] != Pattern(2)) return "the write through the second reached the copy";
            return null;
        }
        finally { M.Space.FreeRegion(r); }
    }
}
