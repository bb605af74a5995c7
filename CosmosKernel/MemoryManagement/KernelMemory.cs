using System.Collections.Generic;
using MemOS.Memory.Boot;
using MemOS.Kernel.Boot;
using MemOS.Kernel.Hardware;
using MemOS.Memory;
using MemOS.Memory.Faults;
using MemOS.Memory.Heap;
using MemOS.Memory.Paging;
using MemOS.Memory.Physical;
using MemOS.Memory.Virtual;

namespace MemOS.Kernel.MemoryManagement;

/// <summary>
/// The memory service: MemOS's memory manager on the real MMU, brought up in the order of the Osdev-Notes chapter
/// "Memory Allocation": the PMM's inventory from the multiboot map; the kernel's own page tables (KernelPageTables);
/// the switch of CR3 (the boot tables go back to the PMM); the page-fault handler on the resolver; then the kernel
/// heap (which from then on serves every managed `new`, see ManagedAllocation). User heaps are not here: each lives in
/// its process and is run by the process's own code in ring 3 (User/Runtime/ProcessHeap).
/// </summary>
internal sealed unsafe class KernelMemory
{
    public static KernelMemory? Current { get; private set; }

    public MemoryMap Map { get; }
    public PhysicalMemoryManager Pmm { get; }
    /// <summary>The kernel address space's one frame allocator: the boot pool, then the PMM.</summary>
    public KernelFrameSource Frames { get; }
    public AddressSpace Space { get; }
    public PageFaultResolver Resolver { get; }
    public FaultLog Faults { get; } = new();
    public KernelHeap Heap { get; }
    public Region HeapRegion { get; }
    public IPhysicalMemory Physical { get; }
    /// <summary>The kernel half's upper tables, made once at boot: every process's address space shares them.</summary>
    public KernelHalfTemplate KernelHalf { get; }
    public HardwareTlb Tlb { get; }
    public KernelImage Image { get; }
    public CpuFeatures Cpu { get; }
    /// <summary>The end of the highest RAM the memory map knows of (what `pmm map` draws).</summary>
    public ulong RamEnd { get; }
    /// <summary>Where the direct map ends: RamEnd rounded up to its 2 MiB pages.</summary>
    public ulong DirectMapEnd { get; }
    public List<string> Notes { get; } = new();

    /// <summary>What a CPU without NX costs (boot prints it, `memmap` keeps it): page tables drop NX.</summary>
    public const string NoNxNote = "this CPU has no NX bit: pages meant to be no-execute stay executable";

    private KernelMemory(BootInfo boot, CpuFeatures cpu)
    {
        Cpu = cpu;
        Image = KernelImage.Read();
        Physical = new DirectMapMemory();
        Tlb = new HardwareTlb();
        int bits = cpu.PhysicalAddressBits;
        if (!cpu.Nx) Notes.Add(NoNxNote);

        // 1. the inventory: what the bootloader said, minus what is already in use
        var entries = new MemoryMapEntry[boot.MemoryMap.Count];
        for (int i = 0; i < entries.Length; i++)
        {
            BootMemoryEntry e = boot.MemoryMap[i];
            entries[i] = new MemoryMapEntry(e.Base, e.Length, e.Type);
        }
        Map = new MemoryMap(entries, bits);
        if (Map.Error != MemoryError.None)
            Fatal($"the memory map is unusable ({Map.Error.Name()}): {boot.Problems.Count} boot problems");
        RamEnd = EndOfRam(Map);
        ulong imageStart = KernelImage.PhysicalStart, tablesStart = KernelImage.Physical(Image.BootTablesStart);
        ulong tablesEnd = KernelImage.Physical(Image.BootTablesEnd);
        Reserve(0, 0x10_0000, ReservationKind.FirstMebibyte);
        Reserve(imageStart, tablesStart - imageStart, ReservationKind.KernelImage);
        Reserve(tablesEnd, KernelImage.Physical(Image.End) - tablesEnd, ReservationKind.KernelImage);
        foreach (BootModule module in boot.Modules)
            Reserve(module.Start, module.End - module.Start, ReservationKind.Module);

        // 2. the kernel's own page tables, from a bump pool until the PMM exists
        PhysicalAddress pool = BootFrameAllocator.FindPool(Map, Image)
            ?? Fail<PhysicalAddress>("no 4 MiB of usable memory below 4 GiB for the first page tables");
        var poolFrames = new BootFrameAllocator(pool, pool + BootFrameAllocator.PoolSize, Physical);
        Frames = new KernelFrameSource(poolFrames);
        KernelHalfTemplate template = Check(KernelHalfTemplate.Create(Physical, Frames, bits, cpu.Nx),
            "kernel-half template");
        KernelHalf = template;
        Space = Check(AddressSpace.Create(Physical, Frames, Tlb, template, guardPages: 1, bits),
            "kernel address space");
        KernelPageTables.MapImage(Space.PageTable, Image);
        DirectMapEnd = KernelPageTables.MapDirect(Space.PageTable, RamEnd);

        // 3. switch: from here the boot tables are unused; write protection, global pages, SMEP/SMAP if present
        // (NX, when the CPU has it, has been on since boot.asm)
        Hardware.Cpu.WriteCr3(Space.PageTable.Root.Value);
        KernelProtection.TurnOn(cpu);

        // 4. the PMM over everything usable; the bump pool's used part stays reserved (kernel-half tables live there)
        Reserve(pool.Value, poolFrames.Used * PhysicalAddress.FrameSize, ReservationKind.BootTables);
        ProvideBootTableMemory();
        Pmm = Check(PhysicalMemoryManager.Create(Map, Physical), "physical memory manager");
        if (Frames.SwitchTo(Pmm) != MemoryError.None) Fatal("the kernel's frame source switched twice");
        Notes.Add($"direct map covers {DirectMapEnd / (1024 * 1024)} MiB; {poolFrames.Used} boot page-table frames");

        // 5. faults: the resolver only decides; the address space acts, with its own frames
        Resolver = Check(PageFaultResolver.Create(Physical, Frames), "page-fault resolver");
        Resolver.Smap = KernelProtection.Smap;
        Resolver.Smep = KernelProtection.Smep;
        PageFaultHandler.Install(Space, Resolver, Faults);

        // 6. the kernel heap grows in the kernel arena (user heaps live in processes)
        const RegionFlags readWrite = RegionFlags.Read | RegionFlags.Write;
        var kernelHeapBase = new VirtualAddress(KernelLayout.KernelHeapBase);
        HeapRegion = Check(Space.CreateRegion("kernel heap", 0, readWrite, RegionPlacement.Fixed(kernelHeapBase)),
            "kernel heap region");
        // The kernel heap is backed at once whatever `mode` says (mode governs user memory); seals are keyed per boot.
        Heap = new KernelHeap(null, new RegionHeapBacking(Space, HeapRegion, RegionBacking.Immediate), kernelHeapBase,
            KernelLayout.KernelHeapMax, new HeapOptions { SealSeed = Hardware.Cpu.ReadTsc() });
    }

    /// <summary>Brings memory up and makes the kernel heap the allocator behind managed `new`.</summary>
    public static KernelMemory Initialize(BootInfo boot, CpuFeatures cpu)
    {
        var memory = new KernelMemory(boot, cpu);
        Current = memory;
        ManagedAllocation.Install();
        GarbageCollection.Install();
        return memory;
    }

    /// <summary>Stops the machine: memory could not be brought up, and the kernel cannot run without it.</summary>
    public static void Fatal(string message) => Core.RuntimeFatal.Stop("memory bring-up failed", message);

    private static T Fail<T>(string message)
    {
        Fatal(message);
        return default!;
    }

    private static T Check<T>(Result<T> r, string what)
    {
        if (!r.Ok) Fatal($"{what}: {r.Error.Name()}");
        return r.Value;
    }

    // The highest end of anything that is RAM (usable, reclaimable, or already reserved by the kernel).
    private static ulong EndOfRam(MemoryMap map)
    {
        ulong end = 0;
        foreach (MemoryRange r in map.Ranges)
            if (r.Type is not (MemoryType.Reserved or MemoryType.Bad or MemoryType.Firmware) && r.End > end)
                end = r.End;
        return end;
    }

    private void Reserve(ulong start, ulong length, ReservationKind kind)
    {
        if (length == 0) return;
        MemoryError e = Map.Reserve(new PhysicalAddress(start), length, kind);
        if (e != MemoryError.None)
        {
            string what = MemoryTypes.Name(MemoryTypes.Of(kind));
            Notes.Add($"could not reserve {what} at 0x{start:x} (+{length}): {e.Name()}");
        }
    }

    // The PMM's metadata (~3.1 bytes per frame) and the heaps' slab maps are made with `new` before the kernel heap
    // exists, so they come from the early allocator. Its block in .bss holds what a few GiB of RAM need; with more RAM
    // the kernel carves a second block from RAM itself (reached through the direct map) and reserves it.
    private void ProvideBootTableMemory()
    {
        ulong frames = Map.UsableBytes / PhysicalAddress.FrameSize;
        ulong needed = frames * 4 + 6UL * 1024 * 1024; // metadata, slab maps, slack
        if (needed <= Plugs.EarlyAllocator.Remaining) return;
        ulong size = (needed + 0x1F_FFFF) & ~0x1F_FFFFUL;
        foreach (MemoryRange r in Map.Ranges)
        {
            if (r.Type != MemoryType.Usable || r.Length < size) continue;
            Reserve(r.Base.Value, size, ReservationKind.BootTables);
            Physical.Zero(r.Base, size);
            Plugs.EarlyAllocator.Extend((void*)KernelLayout.DirectMap(r.Base).Value, (nuint)size);
            Notes.Add($"a {size / (1024 * 1024)} MiB block at {r.Base} serves boot-time tables (the PMM's metadata "
                + $"for {frames} usable frames, the heaps' slab maps)");
            return;
        }
        Fatal("no usable run of memory large enough for the PMM's metadata");
    }
}
