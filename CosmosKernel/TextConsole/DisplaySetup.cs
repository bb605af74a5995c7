using System;
using MemOS.Kernel.Hardware;
using MemOS.Kernel.MemoryManagement;
using MemOS.Memory;
using MemOS.Memory.Boot;
using MemOS.Memory.Virtual;

namespace MemOS.Kernel.TextConsole;

/// <summary>
/// Chooses the screen once memory is up: the bootloader's framebuffer (GRUB, multiboot2 tag), else the Bochs/QEMU
/// display adapter set to the requested mode (qemu -kernel), else VGA text. The framebuffer is an MMIO region of the
/// kernel's address space, write-combining when the CPU has PAT (uncached otherwise, or with `fbwc=off`), and the
/// console's shadow copy is an immediate region beside it (both show in `vmmap`). Boot option `fb=off` keeps VGA
/// text; `fb=WIDTHxHEIGHT` picks the adapter's mode.
/// </summary>
internal static unsafe class DisplaySetup
{
    public const int DefaultWidth = 1024, DefaultHeight = 768;
    /// <summary>The window of the kernel virtual area where the display's regions go.</summary>
    public const ulong AreaBase = KernelLayout.KernelVirtualArea + 0x3000_0000, AreaSize = 0x1000_0000;

    /// <summary>The framebuffer console, when there is one.</summary>
    public static FramebufferConsole? Framebuffer { get; private set; }

    /// <summary>Why the console is what it is (for `meminfo`-style reports and the boot log).</summary>
    public static string Outcome { get; private set; } = "VGA text 80x25 (no framebuffer set up)";

    public static void Initialize(BootInfo boot, KernelMemory memory)
    {
        ScreenSnapshot before = Terminal.Snapshot(); // VGA text memory is gone once a graphics mode is set
        string? option = boot.Option("fb");
        if (option == "off")
        {
            Outcome = "VGA text 80x25 (fb=off)";
            return;
        }
        if (boot.Framebuffer is BootFramebuffer fb)
        {
            if (fb.Type == BootFramebuffer.TextType)
            {
                Outcome = $"VGA text (the bootloader left a text mode: {fb})";
                return;
            }
            if (!fb.IsDirectColour32)
            {
                Outcome = $"none usable: the bootloader's framebuffer {fb} is not 32-bit direct colour";
                return;
            }
            Start(memory, WriteCombining(boot, memory), null, fb.Address, (int)fb.Width, (int)fb.Height, fb.Pitch,
                fb.RedPosition, fb.GreenPosition, fb.BluePosition, $"{boot.BootloaderName} framebuffer");
            return;
        }
        int width = DefaultWidth, height = DefaultHeight;
        if (option != null && !ParseMode(option, out width, out height))
        {
            Outcome = $"VGA text 80x25 (fb={option} is not off or WIDTHxHEIGHT, 320x200 to 4096x2160)";
            return;
        }
        if (BochsDisplay.SetMode(width, height) is not var (address, pitch))
        {
            Outcome = "VGA text 80x25 (no bootloader framebuffer, no Bochs/QEMU display adapter)";
            return;
        }
        if (!Start(memory, WriteCombining(boot, memory), before, address, width, height, pitch, 16, 8, 0,
                "Bochs/QEMU display adapter"))
            BochsDisplay.Disable();
    }

    // Sets PAT entry 1 to write-combining unless `fbwc=off` (kept to compare the two); true when it is.
    private static bool WriteCombining(BootInfo boot, KernelMemory memory)
    {
        if (boot.Option("fbwc") == "off") return false;
        Pat.EnableWriteCombining(memory.Cpu);
        return Pat.WriteCombiningReady;
    }

    private static bool ParseMode(string text, out int width, out int height)
    {
        width = height = 0;
        int x = text.IndexOf('x');
        return x > 0 && int.TryParse(text.AsSpan(0, x), out width) && int.TryParse(text.AsSpan(x + 1), out height)
            && width >= 320 && width <= 4096 && height >= 200 && height <= 2160 && width % 8 == 0;
    }

    // `before` is what VGA text showed; null when the bootloader had already left text mode (nothing readable there).
    private static bool Start(KernelMemory memory, bool writeCombining, ScreenSnapshot? before, ulong address,
        int width, int height, uint pitch, int red, int green, int blue, string source)
    {
        const ulong page = PhysicalAddress.FrameSize;
        ulong size = ((ulong)pitch * (ulong)height + page - 1) & ~(page - 1);
        var placement = RegionPlacement.FirstFit(new VirtualAddress(AreaBase), new VirtualAddress(AreaBase + AreaSize));
        const RegionFlags readWrite = RegionFlags.Read | RegionFlags.Write;
        RegionFlags lfbFlags = readWrite | (writeCombining ? RegionFlags.WriteCombining : RegionFlags.None);
        Result<Region> lfb = memory.Space.CreateMmioRegion("framebuffer", new PhysicalAddress(address), size,
            lfbFlags, placement);
        if (!lfb.Ok)
        {
            Outcome = $"VGA text 80x25 (mapping the framebuffer at 0x{address:x} failed: {lfb.Error.Name()})";
            return false;
        }
        ulong shadowSize = ((ulong)width * (ulong)height * 4 + page - 1) & ~(page - 1);
        Result<Region> shadow = memory.Space.CreateRegion("console shadow", shadowSize, readWrite, placement,
            RegionBacking.Immediate);
        if (!shadow.Ok)
        {
            memory.Space.FreeRegion(lfb.Value);
            Outcome = $"VGA text 80x25 (no memory for the console's shadow: {shadow.Error.Name()})";
            return false;
        }
        var screen = new LinearFramebuffer((uint*)lfb.Value.Base.Value, width, height, (int)(pitch / 4), red, green,
            blue);
        var console = new FramebufferConsole(screen, (uint*)shadow.Value.Base.Value);
        if (before != null) Terminal.SwitchTo(console, before);
        else Terminal.SwitchTo(console, new ScreenSnapshot([(' ', 0x07)], 1, 0, 0, 0x07));
        Framebuffer = console;
        Outcome = $"{console.Description}, from the {source} at 0x{address:x}, mapped "
            + (writeCombining ? "write-combining (PAT entry 1)" : "uncached");
        return true;
    }
}
