namespace MemOS.Kernel.Hardware;

/// <summary>
/// PCI configuration space through the legacy ports 0xCF8/0xCFC (mechanism #1): enough to find a device by vendor
/// and device id and read its BARs.
/// </summary>
internal static class Pci
{
    private const ushort AddressPort = 0xCF8, DataPort = 0xCFC;

    public static uint Read(int bus, int device, int function, int offset)
    {
        Cpu.OutD(AddressPort, 0x8000_0000u | (uint)bus << 16 | (uint)device << 11 | (uint)function << 8
            | (uint)(offset & 0xFC));
        return Cpu.InD(DataPort);
    }

    /// <summary>The first function with this vendor and device id (bus, device, function), or null.</summary>
    public static (int Bus, int Device, int Function)? Find(ushort vendor, ushort device)
    {
        uint wanted = (uint)device << 16 | vendor;
        for (int bus = 0; bus < 256; bus++)
            for (int slot = 0; slot < 32; slot++)
            {
                uint id = Read(bus, slot, 0, 0);
                if ((id & 0xFFFF) == 0xFFFF) continue;
                bool multifunction = (Read(bus, slot, 0, 0x0C) & 0x0080_0000) != 0;
                for (int function = 0; function < (multifunction ? 8 : 1); function++)
                    if (Read(bus, slot, function, 0) == wanted) return (bus, slot, function);
            }
        return null;
    }

    /// <summary>The physical base of a memory BAR (32- or 64-bit), or 0 for an I/O BAR.</summary>
    public static ulong MemoryBar(int bus, int device, int function, int index)
    {
        uint low = Read(bus, device, function, 0x10 + index * 4);
        if ((low & 1) != 0) return 0;
        ulong address = low & 0xFFFF_FFF0u;
        if ((low & 0x6) == 0x4) address |= (ulong)Read(bus, device, function, 0x14 + index * 4) << 32;
        return address;
    }
}
