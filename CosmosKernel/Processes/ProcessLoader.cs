using System;
using MemOS.Kernel.Hardware;
using MemOS.Kernel.MemoryManagement;
using MemOS.Memory;
using MemOS.Memory.Programs;
using MemOS.Memory.Virtual;

namespace MemOS.Kernel.Processes;

/// <summary>
/// Makes a process from an ELF file: a fresh address space (kernel half shared), each PT_LOAD segment in a region
/// with its own permissions (bytes copied in through the direct map, the rest zero), an empty heap after the
/// image for brk, a demand-backed stack below 0x7FFF_FFFF_F000 whose guard page is the unmapped page under it,
/// and the Linux initial stack (argc, argv, envp, auxv, AT_RANDOM bytes) written with the checked user copy.
/// </summary>
internal static unsafe class ProcessLoader
{
    public const ulong StackTop = ElfImage.UserEnd;
    public const ulong StackSize = 8UL * 1024 * 1024;
    public const ulong StackBottom = StackTop - StackSize;
    /// <summary>
    /// Below the stack nothing is placed by mmap: a frame larger than a page still lands in the gap (as Linux's stack
    /// guard gap).
    /// </summary>
    public const ulong StackGuardGap = 1024 * 1024;
    /// <summary>
    /// Where mmap places mappings without MAP_FIXED (first fit upwards, below the stack's guard page).
    /// </summary>
    public const ulong MmapBase = 0x0000_7000_0000_0000;
    private const int MaxArguments = 256;
    private const ulong AtNull = 0, AtPhdr = 3, AtPhent = 4, AtPhnum = 5, AtPagesz = 6, AtEntry = 9, AtRandom = 25;

    private static ulong s_random = 0x9E37_79B9_7F4A_7C15;

    /// <summary>Loads and starts a program; null with the reason when it cannot.</summary>
    public static Process? Spawn(string name, string[] arguments, Process? parent, out string error)
    {
        error = "";
        if (!ProgramArchive.TryGet(name, out ReadOnlySpan<byte> file))
        {
            error = $"{name}: no such program";
            return null;
        }
        if (arguments.Length > MaxArguments) { error = $"{name}: more than {MaxArguments} arguments"; return null; }
        ElfImage? image = ElfImage.Parse(file, out string why);
        if (image == null) { error = $"{name}: not a program MemOS can load: {why}"; return null; }

        KernelMemory m = KernelMemory.Current!;
        Result<AddressSpace> created = AddressSpace.Create(m.Physical, m.Space.Frames, m.Tlb, m.KernelHalf,
            guardPages: 1, m.Cpu.PhysicalAddressBits);
        if (!created.Ok) { error = $"{name}: no address space ({created.Error.Name()})"; return null; }
        AddressSpace space = created.Value;
        space.SetDefaultBacking(m.Space.DefaultBacking);
        int pid = Scheduler.NextPid();
        var p = new Process(pid, name, arguments, space, parent) { Entry = image.Entry };

        string? failure = MapImage(space, image, file, p) ?? MapStack(space);
        ulong userStack = 0;
        if (failure == null) failure = WriteInitialStack(p, image, arguments, out userStack);
        Region? kernelStack = failure == null ? Scheduler.AllocateKernelStack(pid) : null;
        if (failure == null && kernelStack == null) failure = "no kernel stack";
        if (failure != null)
        {
            space.Destroy();
            error = $"{name}: {failure}";
            return null;
        }
        Scheduler.Start(p, kernelStack!, userStack);
        return p;
    }

    private static string? MapImage(AddressSpace space, ElfImage image, ReadOnlySpan<byte> file, Process p)
    {
        ulong end = 0;
        foreach (ElfSegment s in image.Segments)
        {
            var flags = RegionFlags.User | RegionFlags.Read;
            if (s.Write) flags |= RegionFlags.Write;
            if (s.Execute) flags |= RegionFlags.Execute;
            string name = s.Execute ? "text" : s.Write ? "data"
                : ProgramSymbols.IsTable(file, s) ? "symbols" : "rodata";
            Result<Region> r = space.CreateRegion(name, s.PageEnd - s.PageStart, flags,
                RegionPlacement.Fixed(new VirtualAddress(s.PageStart)), RegionBacking.Immediate);
            if (!r.Ok) return $"segment at 0x{s.VirtualAddress:x}: {r.Error.Name()}";
            // bytes from the file through the direct map (the pages may be read-only for the process);
            // the rest stays zero
            ulong done = 0;
            while (done < s.FileSize)
            {
                ulong va = s.VirtualAddress + done;
                ulong chunk = Math.Min(s.FileSize - done, 4096 - (va & 0xFFF));
                PhysicalAddress frame = space.PageTable.Translate(new VirtualAddress(va)).Value;
                file.Slice((int)(s.FileOffset + done), (int)chunk).CopyTo(
                    new Span<byte>((void*)KernelLayout.DirectMap(frame).Value, (int)chunk));
                done += chunk;
            }
            if (s.PageEnd > end) end = s.PageEnd;
        }
        Result<Region> heap = space.CreateRegion("heap", 0, RegionFlags.User | RegionFlags.Read | RegionFlags.Write,
            RegionPlacement.Fixed(new VirtualAddress(end)));
        if (!heap.Ok) return $"heap at 0x{end:x}: {heap.Error.Name()}";
        p.HeapRegion = heap.Value;
        p.BreakStart = p.Break = end;
        return null;
    }

    private static string? MapStack(AddressSpace space)
    {
        Result<Region> r = space.CreateRegion("stack", StackSize,
            RegionFlags.User | RegionFlags.Read | RegionFlags.Write,
            RegionPlacement.Fixed(new VirtualAddress(StackBottom)), RegionBacking.Demand);
        return r.Ok ? null : $"stack: {r.Error.Name()}";
    }

    // Linux's layout: [rsp] argc, argv[0..n), NULL, envp[0..m), NULL, auxv pairs, AT_NULL;
    // above: 16 random bytes, the strings.
    private static string? WriteInitialStack(Process p, ElfImage image, string[] arguments, out ulong rsp)
    {
        rsp = 0;
        // The environment tells the user runtime the backing `mode` chose for this process's heap.
        string[] environment = [BackingVariable(p.Space.DefaultBacking)];
        int stringBytes = 16;
        foreach (string a in arguments) stringBytes += a.Length + 1;
        foreach (string e in environment) stringBytes += e.Length + 1;
        if (stringBytes > 128 * 1024) return "arguments too long";
        int words = 1 + arguments.Length + 1 + environment.Length + 1 + 14;
        ulong info = (StackTop - (ulong)stringBytes) & ~15UL;
        ulong sp = (info - (ulong)words * 8) & ~15UL;
        var block = new byte[StackTop - sp];
        ulong strings = StackTop - (ulong)stringBytes;
        ulong random = strings;
        fixed (byte* b = block)
        {
            ulong* w = (ulong*)b;
            int i = 0;
            w[i++] = (ulong)arguments.Length;
            ulong at = strings + 16;
            foreach (string a in arguments) w[i++] = Put(b, sp, ref at, a);
            w[i++] = 0; // end of argv
            foreach (string e in environment) w[i++] = Put(b, sp, ref at, e);
            w[i++] = 0; // end of envp
            w[i++] = AtPhdr; w[i++] = image.ProgramHeaderAddress;
            w[i++] = AtPhent; w[i++] = 56;
            w[i++] = AtPhnum; w[i++] = (ulong)image.ProgramHeaderCount;
            w[i++] = AtPagesz; w[i++] = 4096;
            w[i++] = AtEntry; w[i++] = image.Entry;
            w[i++] = AtRandom; w[i++] = random;
            w[i++] = AtNull; w[i++] = 0;
            ulong* r = (ulong*)(b + (random - sp));
            r[0] = NextRandom();
            r[1] = NextRandom();

            AddressSpace? before = Scheduler.LoadedSpace;
            ulong flags = Cpu.ReadFlags();
            Cpu.DisableInterrupts();
            Scheduler.Load(p.Space);
            bool ok = UserMemory.CopyOut(sp, b, (ulong)block.Length);
            if (before != null) Scheduler.Load(before);
            if ((flags & (1UL << 9)) != 0) Cpu.EnableInterrupts();
            if (!ok) return "could not write the initial stack";
        }
        rsp = sp;
        return null;
    }

    // A NUL-terminated string at user address `at` (block b holds the stack from sp up); returns where it went.
    private static ulong Put(byte* b, ulong sp, ref ulong at, string text)
    {
        ulong where = at;
        byte* dst = b + (at - sp);
        for (int c = 0; c < text.Length; c++) dst[c] = (byte)text[c];
        dst[text.Length] = 0;
        at += (ulong)text.Length + 1;
        return where;
    }

    /// <summary>MEMOS_BACKING=demand|immediate: the backing of the process heap (the shell's `mode` when it started).
    /// </summary>
    public static string BackingVariable(RegionBacking backing)
        => "MEMOS_BACKING=" + (backing == RegionBacking.Demand ? "demand" : "immediate");

    private static ulong NextRandom()
    {
        s_random ^= Cpu.ReadTsc();
        s_random ^= s_random << 13;
        s_random ^= s_random >> 7;
        s_random ^= s_random << 17;
        return s_random;
    }
}
