using System;
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
/// MemOS's memory manager on the real MMU, brought up in the seed's order: the PMM's inventory from the multiboot
/// map; the kernel's own page tables (image sections with their real permissions, the direct map, the null guard,
/// the stack guard page); the switch of CR3 (the boot tables go back to the PMM); the page-fault handler on the
/// resolver; then the kernel heap (which from then on serves every managed `new`) and the user heap.
/// </summary>
internal sealed unsafe class KernelMemory
{
    private const ulong BootPoolSize = 4UL * 1024 * 1024;
    private const ulong Cr0WriteProtect = 1UL << 16, Cr4Pge = 1UL << 7, Cr4Smep = 1UL << 20, Cr4Smap = 1UL << 21;

    public static KernelMemory? Current { get; private set; }

    public MemoryMap Map { get; }
    public PhysicalMemoryManager Pmm { get; }
    public AddressSpace Space { get; }
    public PageFaultResolver Resolver { get; }
    public FaultLog Faults { get; } = new();
    public KernelHeap Heap { get; }
    public UserHeap UserHeap { get; }
    public Region HeapRegion { get; }
    public Region UserHeapRegion { get; }
    public IPhysicalMemory Physical { get; }
    /// <summary>The kernel half's upper tables, made once at boot: every process's address space shares them.</summary>
    public KernelHalfTemplate KernelHalf { get; }
    public HardwareTlb Tlb { get; }
    public KernelImage Image { get; }
    public CpuFeatures Cpu { get; }
    public bool Smap { get; }
    public bool Smep { get; }
    /// <summary>Frames the shell's `map` allocated in the scratch window (given back by `unmap`).</summary>
    public Dictionary<ulong, PhysicalAddress> ScratchFrames { get; } = new();
    public List<string> Notes { get; } = new();

    private KernelMemory(BootInfo boot, CpuFeatures cpu)
    {
        Cpu = cpu;
        Image = KernelImage.Read();
        Physical = new DirectMapMemory();
        Tlb = new HardwareTlb();
        int bits = cpu.PhysicalAddressBits;
        if (!cpu.Nx) Fatal("this CPU has no NX bit: MemOS maps data no-execute and needs it");

        // 1. the inventory: what the bootloader said, minus what is already in use
        var entries = new MemoryMapEntry[boot.MemoryMap.Count];
        for (int i = 0; i < entries.Length; i++) entries[i] = new MemoryMapEntry(boot.MemoryMap[i].Base, boot.MemoryMap[i].Length, boot.MemoryMap[i].Type);
        Map = new MemoryMap(entries, bits);
        if (Map.Error != MemoryError.None) Fatal($"the memory map is unusable ({Map.Error.Name()}): {boot.Problems.Count} boot problems");
        Reserve(0, 0x10_0000, ReservationKind.FirstMebibyte);
        Reserve(KernelImage.PhysicalStart, KernelImage.Physical(Image.BootTablesStart) - KernelImage.PhysicalStart, ReservationKind.KernelImage);
        Reserve(KernelImage.Physical(Image.BootTablesEnd), KernelImage.Physical(Image.End) - KernelImage.Physical(Image.BootTablesEnd), ReservationKind.KernelImage);
        foreach (BootModule module in boot.Modules) Reserve(module.Start, module.End - module.Start, ReservationKind.Module);

        // 2. the kernel's own page tables, from a bump pool until the PMM exists
        var pool = FindBootPool(Image);
        var frames = new BootFrameAllocator(pool, pool + BootPoolSize, Physical);
        KernelHalfTemplate template = Check(KernelHalfTemplate.Create(Physical, frames, bits), "kernel-half template");
        KernelHalf = template;
        Space = Check(AddressSpace.Create(Physical, frames, Tlb, template, guardPages: 1, bits), "kernel address space");
        MapImage(Space.PageTable, Image);
        ulong ramEnd = MapDirect(Space.PageTable);

        // 3. switch: from here the boot tables are unused; NX, write protection and global pages on, SMEP/SMAP if present
        Hardware.Cpu.WriteCr3(Space.PageTable.Root.Value);
        Hardware.Cpu.WriteCr0(Hardware.Cpu.ReadCr0() | Cr0WriteProtect);
        ulong cr4 = Hardware.Cpu.ReadCr4() | Cr4Pge;
        Smep = cpu.Smep;
        Smap = cpu.Smap;
        if (Smep) cr4 |= Cr4Smep;
        if (Smap) cr4 |= Cr4Smap;
        Hardware.Cpu.WriteCr4(cr4);
        SafeAccess.Smap = Smap;

        // 4. the PMM over everything usable; the bump pool's used part stays reserved (kernel-half tables live there)
        Reserve(pool.Value, frames.Next.Value - pool.Value, ReservationKind.BootTables);
        ProvideBootTableMemory();
        Pmm = Check(PhysicalMemoryManager.Create(Map, Physical), "physical memory manager");
        frames.Attach(Pmm);
        Notes.Add($"direct map covers {ramEnd / (1024 * 1024)} MiB; {(frames.Next.Value - pool.Value) / 4096} boot page-table frames");

        // 5. faults
        Resolver = Check(PageFaultResolver.Create(Physical, Pmm), "page-fault resolver");
        Resolver.Smap = Smap;
        Resolver.Smep = Smep;
        Resolver.Trace = Faults.Add;
        PageFaultHandler.Install(Space, Resolver, Faults);

        // 6. heaps: the kernel heap grows in the kernel arena, the user heap in user pages
        HeapRegion = Check(Space.CreateRegion("kernel heap", 0, RegionFlags.Read | RegionFlags.Write, RegionPlacement.Fixed(new VirtualAddress(KernelLayout.KernelHeapBase))), "kernel heap region");
        Heap = new KernelHeap(null, new RegionHeapBacking(Space, HeapRegion), new VirtualAddress(KernelLayout.KernelHeapBase), KernelLayout.KernelHeapMax);
        UserHeapRegion = Check(Space.CreateRegion("user heap", 0, RegionFlags.Read | RegionFlags.Write | RegionFlags.User, RegionPlacement.Fixed(new VirtualAddress(KernelLayout.UserHeapBase))), "user heap region");
        UserHeap = new UserHeap(new UserPointerMemory(Smap), new RegionHeapBacking(Space, UserHeapRegion), new VirtualAddress(KernelLayout.UserHeapBase), KernelLayout.UserHeapMax);
    }

    /// <summary>Brings memory up and makes the kernel heap the allocator behind managed `new`.</summary>
    public static KernelMemory Initialize(BootInfo boot, CpuFeatures cpu)
    {
        var memory = new KernelMemory(boot, cpu);
        Current = memory;
        Plugs.ManagedAllocator.Install("kernel heap", &AllocateManaged, &FreeManaged);
        Plugs.GcReporting.Install(&Report);
        GarbageCollection.Install();
        return memory;
    }

    private static void* AllocateManaged(nuint size, nuint alignment)
    {
        KernelMemory? m = Current;
        if (m == null) return null;
        Result<VirtualAddress> r = m.Heap.Allocate(size, alignment < 16 ? 16 : alignment);
        if (!r.Ok) return null;
        System.Runtime.CompilerServices.Unsafe.InitBlockUnaligned((void*)r.Value.Value, 0, (uint)size);
        return (void*)r.Value.Value;
    }

    private static bool FreeManaged(void* pointer) => Current != null && Current.Heap.Free(new VirtualAddress((ulong)pointer)) == MemoryError.None;

    private static Plugs.GcReporting.HeapFigures Report()
    {
        KernelMemory m = Current!;
        HeapStatistics s = m.Heap.Statistics();
        return new Plugs.GcReporting.HeapFigures
        {
            UsedBytes = (long)s.UsedBytes,
            HeapSizeBytes = (long)s.HeapSize,
            FreeBytes = (long)s.FreeBytes,
            TotalAvailableBytes = (long)(m.Pmm.Statistics.UsableFrames * PhysicalAddress.FrameSize),
        };
    }

    private void Reserve(ulong start, ulong length, ReservationKind kind)
    {
        if (length == 0) return;
        MemoryError e = Map.Reserve(new PhysicalAddress(start), length, kind);
        if (e != MemoryError.None) Notes.Add($"could not reserve {MemoryTypes.Name(MemoryTypes.Of(kind))} at 0x{start:x} (+{length}): {e.Name()}");
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
            Notes.Add($"a {size / (1024 * 1024)} MiB block at {r.Base} serves boot-time tables (the PMM's metadata for {frames} usable frames, the heaps' slab maps)");
            return;
        }
        Fatal("no usable run of memory large enough for the PMM's metadata");
    }

    // The pool is the first usable run of 4 MiB above the kernel image and below 4 GiB (the boot direct map's reach).
    private PhysicalAddress FindBootPool(KernelImage image)
    {
        ulong after = (KernelImage.Physical(image.End) + 0x1F_FFFF) & ~0x1F_FFFFUL;
        foreach (MemoryRange r in Map.Ranges)
        {
            if (r.Type != MemoryType.Usable) continue;
            ulong start = Math.Max(r.Base.Value, after);
            if (start + BootPoolSize <= r.End && start + BootPoolSize <= 0x1_0000_0000) return new PhysicalAddress(start);
        }
        Fatal("no 4 MiB of usable memory below 4 GiB for the first page tables");
        return default;
    }

    private void MapImage(PageTable table, KernelImage image)
    {
        const PageFlags kernel = PageFlags.Present | PageFlags.Global;
        MapRange(table, image.TextStart, image.TextEnd, kernel);                                   // code: read + execute
        MapRange(table, image.RodataStart, image.RodataEnd, kernel | PageFlags.NoExecute);         // read-only data
        // data and bss, except the boot page tables: their frames go back to the PMM, so no alias may remain
        MapRange(table, image.DataStart, image.BootTablesStart, kernel | PageFlags.Writable | PageFlags.NoExecute);
        MapRange(table, image.BootTablesEnd, image.StackGuard, kernel | PageFlags.Writable | PageFlags.NoExecute);
        // the page at StackGuard stays unmapped: a kernel stack overflow faults there
        MapRange(table, image.StackGuard + 4096, image.End, kernel | PageFlags.Writable | PageFlags.NoExecute);
    }

    private void MapRange(PageTable table, ulong start, ulong end, PageFlags flags)
    {
        for (ulong va = start & ~0xFFFUL; va < end; va += 4096)
        {
            PageTableChange c = table.Map(new VirtualAddress(va), new PhysicalAddress(KernelImage.Physical(va)), flags);
            if (c.Error != MemoryError.None) Fatal($"mapping the kernel image at 0x{va:x}: {c.Error.Name()}");
        }
    }

    // 2 MiB pages over [0, end of the highest RAM), NX and supervisor-only.
    private ulong MapDirect(PageTable table)
    {
        ulong end = 0;
        foreach (MemoryRange r in Map.Ranges)
            if (r.Type is not (MemoryType.Reserved or MemoryType.Bad or MemoryType.Firmware) && r.End > end) end = r.End;
        end = (end + 0x1F_FFFF) & ~0x1F_FFFFUL;
        const PageFlags flags = PageFlags.Present | PageFlags.Writable | PageFlags.Global | PageFlags.NoExecute;
        for (ulong p = 0; p < end; p += 0x20_0000)
        {
            PageTableChange c = table.Map(new VirtualAddress(KernelLayout.DirectMapBase + p), new PhysicalAddress(p), flags, PageSize.Size2M);
            if (c.Error != MemoryError.None) Fatal($"direct-mapping 0x{p:x}: {c.Error.Name()}");
        }
        return end;
    }

    private static T Check<T>(Result<T> r, string what)
    {
        if (!r.Ok) Fatal($"{what}: {r.Error.Name()}");
        return r.Value;
    }

    private static void Fatal(string message) => Core.RuntimeFatal.Stop("memory bring-up failed", message);
}
