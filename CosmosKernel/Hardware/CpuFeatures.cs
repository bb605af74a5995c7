using System.Text;

namespace MemOS.Kernel.Hardware;

/// <summary>What CPUID says about the processor and, above all, its memory features.</summary>
internal sealed class CpuFeatures
{
    public string Vendor { get; private init; } = "";
    public string Brand { get; private init; } = "";
    public uint Family { get; private init; }
    public uint Model { get; private init; }
    public bool Pae { get; private init; }
    public bool Pge { get; private init; }
    public bool Pat { get; private init; }
    public bool Nx { get; private init; }
    public bool Pages1G { get; private init; }
    public bool Pcid { get; private init; }
    public bool Smep { get; private init; }
    public bool Smap { get; private init; }
    public int PhysicalAddressBits { get; private init; }
    public int VirtualAddressBits { get; private init; }

    public static CpuFeatures Read()
    {
        var leaf0 = Cpu.CpuId(0);
        var leaf1 = Cpu.CpuId(1);
        var leaf7 = leaf0.Eax >= 7 ? Cpu.CpuId(7) : default;
        uint maxExtended = Cpu.CpuId(0x80000000).Eax;
        var ext1 = maxExtended >= 0x80000001 ? Cpu.CpuId(0x80000001) : default;
        var ext8 = maxExtended >= 0x80000008 ? Cpu.CpuId(0x80000008) : default;
        uint family = (leaf1.Eax >> 8) & 0xF, model = (leaf1.Eax >> 4) & 0xF;
        if (family == 0xF) family += (leaf1.Eax >> 20) & 0xFF;
        if (family >= 6) model |= ((leaf1.Eax >> 16) & 0xF) << 4;
        return new CpuFeatures
        {
            Vendor = Ascii(leaf0.Ebx, leaf0.Edx, leaf0.Ecx),
            Brand = maxExtended >= 0x80000004 ? BrandString() : "(not reported)",
            Family = family,
            Model = model,
            Pae = (leaf1.Edx & (1u << 6)) != 0,
            Pge = (leaf1.Edx & (1u << 13)) != 0,
            Pat = (leaf1.Edx & (1u << 16)) != 0,
            Pcid = (leaf1.Ecx & (1u << 17)) != 0,
            Smep = (leaf7.Ebx & (1u << 7)) != 0,
            Smap = (leaf7.Ebx & (1u << 20)) != 0,
            Nx = (ext1.Edx & (1u << 20)) != 0,
            Pages1G = (ext1.Edx & (1u << 26)) != 0,
            PhysicalAddressBits = ext8.Eax == 0 ? 36 : (int)(ext8.Eax & 0xFF),
            VirtualAddressBits = ext8.Eax == 0 ? 48 : (int)((ext8.Eax >> 8) & 0xFF),
        };
    }

    private static string BrandString()
    {
        var sb = new StringBuilder();
        for (uint leaf = 0x80000002; leaf <= 0x80000004; leaf++)
        {
            var r = Cpu.CpuId(leaf);
            sb.Append(Ascii(r.Eax, r.Ebx, r.Ecx, r.Edx));
        }
        return sb.ToString().Trim('\0', ' ');
    }

    private static string Ascii(params uint[] words)
    {
        var sb = new StringBuilder();
        foreach (uint w in words)
            for (int i = 0; i < 4; i++)
            {
                char c = (char)((w >> (8 * i)) & 0xFF);
                if (c != 0) sb.Append(c >= ' ' && c < 0x7F ? c : '?');
            }
        return sb.ToString();
    }
}
