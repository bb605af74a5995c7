using System;
using MemOS.Kernel.Hardware;

namespace MemOS.Kernel.Shell.Commands;

/// <summary>cpuinfo: vendor, brand, and the memory features paging depends on.</summary>
internal sealed class CpuInfoCommand : Command
{
    public override string Name => "cpuinfo";
    public override string Usage => "cpuinfo";
    public override string Description
        => "processor and its memory features (PAE, NX, PGE, 1 GiB pages, PCID, SMEP, SMAP, address bits)";

    public override void Execute(Shell shell, Arguments args)
    {
        if (RefuseArguments(args)) return;
        CpuFeatures f = CpuFeatures.Read();
        Console.WriteLine($"vendor:        {f.Vendor}");
        Console.WriteLine($"brand:         {f.Brand}");
        Console.WriteLine($"family/model:  {f.Family}/{f.Model}");
        Console.WriteLine($"TSC:           {Timer.TscPerSecond / 1_000_000} MHz (calibrated against the PIT)");
        Console.WriteLine($"address bits:  physical {f.PhysicalAddressBits}, virtual {f.VirtualAddressBits}");
        Console.WriteLine("memory features:");
        Feature("PAE", f.Pae, "physical address extension (required for long mode)");
        Feature("NX", f.Nx, "no-execute pages (EFER.NXE)");
        Feature("PGE", f.Pge, "global pages survive CR3 reloads");
        Feature("1GiB", f.Pages1G, "1 GiB pages");
        Feature("PCID", f.Pcid, "process-context identifiers");
        Feature("SMEP", f.Smep, "supervisor-mode execution prevention");
        Feature("SMAP", f.Smap, "supervisor-mode access prevention");
    }

    private static void Feature(string name, bool present, string what)
        => Console.WriteLine($"  {Format.Pad(name, 5)} {(present ? "yes" : "no ")}  {what}");
}
