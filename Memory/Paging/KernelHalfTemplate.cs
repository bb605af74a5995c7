namespace MemOS.Memory.Paging;

/// <summary>
/// The kernel half every address space shares: PML4 entries 256..511 pointing at PDPTs allocated once
/// at boot. New page tables copy these entries, so a kernel mapping made anywhere is seen everywhere.
/// </summary>
public sealed class KernelHalfTemplate
{
    public const int FirstEntry = 256;
    public const int EntryCount = 256;

    private readonly ulong[] _entries;
    private readonly IFrameAllocator _frames;
    private bool _released;

    private KernelHalfTemplate(ulong[] entries, IFrameAllocator frames, int physicalAddressBits, bool noExecute)
    {
        _entries = entries;
        _frames = frames;
        PhysicalAddressBits = physicalAddressBits;
        NoExecute = noExecute;
    }

    public int PhysicalAddressBits { get; }

    /// <summary>Whether the CPU has NX (EFER.NXE on): the page tables made with this template follow it.</summary>
    public bool NoExecute { get; }

    /// <summary>Allocate and zero the 256 kernel PDPTs (1 MiB). Out of memory → nothing kept.</summary>
    public static Result<KernelHalfTemplate> Create(IPhysicalMemory memory, IFrameAllocator frames,
        int physicalAddressBits = 52, bool noExecute = true)
    {
        var entries = new ulong[EntryCount];
        for (int i = 0; i < EntryCount; i++)
        {
            var frame = frames.AllocateFrame();
            if (!frame.Ok)
            {
                for (int j = 0; j < i; j++)
                    frames.FreeFrame(new PhysicalAddress(entries[j] & PageTableEntry.AddressMask(physicalAddressBits)));
                return Result<KernelHalfTemplate>.Fail(frame.Error);
            }
            memory.Zero(frame.Value, PhysicalAddress.FrameSize);
            // Supervisor and executable at this level: the leaf entries decide W/NX; no U so user code never reaches
            // the kernel half.
            entries[i] = PageTableEntry.Create(frame.Value, PageFlags.Present | PageFlags.Writable).Raw;
        }
        return Result<KernelHalfTemplate>.Success(new KernelHalfTemplate(entries, frames, physicalAddressBits,
            noExecute));
    }

    /// <summary>The raw PML4 entry for a kernel-half index (256..511).</summary>
    public ulong Entry(int pml4Index) => _entries[pml4Index - FirstEntry];

    /// <summary>The shared PDPT under a kernel-half PML4 index.</summary>
    public PhysicalAddress Pdpt(int pml4Index)
        => new(Entry(pml4Index) & PageTableEntry.AddressMask(PhysicalAddressBits));

    internal void CopyInto(IPhysicalMemory memory, PhysicalAddress pml4)
    {
        for (int i = 0; i < EntryCount; i++) memory.Write64(pml4 + (ulong)(FirstEntry + i) * 8, _entries[i]);
    }

    /// <summary>Give the PDPTs back (shutdown, tests). Refused with Conflict if any still maps something.</summary>
    public MemoryError Release(IPhysicalMemory memory)
    {
        if (_released) return MemoryError.DoubleFree;
        for (int i = 0; i < EntryCount; i++)
        {
            var pdpt = Pdpt(FirstEntry + i);
            for (int e = 0; e < 512; e++)
                if ((memory.Read64(pdpt + (ulong)e * 8) & (ulong)PageFlags.Present) != 0) return MemoryError.Conflict;
        }
        for (int i = 0; i < EntryCount; i++) _frames.FreeFrame(Pdpt(FirstEntry + i));
        _released = true;
        return MemoryError.None;
    }
}
