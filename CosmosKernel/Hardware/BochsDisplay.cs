namespace MemOS.Kernel.Hardware;

/// <summary>
/// The Bochs/QEMU display adapter (BGA: QEMU's -vga std, PCI 1234:1111): a mode is set through the index/data ports
/// 0x1CE/0x1CF, and the linear framebuffer is at the device's BAR0. Used when the kernel was booted without a
/// bootloader framebuffer (qemu -kernel).
/// </summary>
internal static class BochsDisplay
{
    private const ushort IndexPort = 0x1CE, DataPort = 0x1CF;
    private const ushort IndexId = 0, IndexXres = 1, IndexYres = 2, IndexBpp = 3, IndexEnable = 4;
    private const ushort IndexVirtualWidth = 6, IndexXOffset = 8, IndexYOffset = 9;
    private const ushort EnableDisplay = 0x01, EnableLinearFramebuffer = 0x40;
    private const ushort IdMin = 0xB0C0, IdLinearFramebuffer = 0xB0C2, IdMax = 0xB0CF;
    public const ushort PciVendor = 0x1234, PciDevice = 0x1111;

    /// <summary>
    /// Sets width × height × 32 and returns the framebuffer's physical address and pitch; null (mode unchanged) if
    /// there is no such adapter or it refused the mode.
    /// </summary>
    public static (ulong Address, uint Pitch)? SetMode(int width, int height)
    {
        if (Pci.Find(PciVendor, PciDevice) is not var (bus, device, function)) return null;
        ushort id = Read(IndexId);
        if (id < IdLinearFramebuffer || id > IdMax || id < IdMin) return null;
        ulong lfb = Pci.MemoryBar(bus, device, function, 0);
        if (lfb == 0) return null;
        Write(IndexEnable, 0);
        Write(IndexXres, (ushort)width);
        Write(IndexYres, (ushort)height);
        Write(IndexBpp, 32);
        Write(IndexVirtualWidth, (ushort)width);
        Write(IndexXOffset, 0);
        Write(IndexYOffset, 0);
        Write(IndexEnable, EnableDisplay | EnableLinearFramebuffer);
        if (Read(IndexXres) != width || Read(IndexYres) != height || Read(IndexBpp) != 32)
        {
            Write(IndexEnable, 0);
            return null;
        }
        return (lfb, (uint)width * 4);
    }

    /// <summary>Back to the VGA modes (text): the framebuffer could not be used after all.</summary>
    public static void Disable() => Write(IndexEnable, 0);

    private static ushort Read(ushort index)
    {
        Cpu.OutW(IndexPort, index);
        return Cpu.InW(DataPort);
    }

    private static void Write(ushort index, ushort value)
    {
        Cpu.OutW(IndexPort, index);
        Cpu.OutW(DataPort, value);
    }
}
