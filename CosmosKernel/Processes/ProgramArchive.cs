using System;
using System.Collections.Generic;
using MemOS.Memory.Boot;
using MemOS.Kernel.Boot;
using MemOS.Kernel.MemoryManagement;
using MemOS.Memory;
using MemOS.Memory.Programs;

namespace MemOS.Kernel.Processes;

/// <summary>
/// The programs MemOS can run: every boot module that is a tar archive (programs.tar first, then any other),
/// read in place through the direct map (the PMM reserved the modules' frames). Later archives do not hide
/// earlier programs of the same name.
/// </summary>
internal static unsafe class ProgramArchive
{
    private readonly record struct Program(string Name, ulong Address, ulong Size, string Module);

    private static readonly List<Program> s_programs = new();
    private static readonly List<string> s_problems = new();

    public static List<string> Problems => s_problems;
    public static int Count => s_programs.Count;

    public static void Initialize(BootInfo boot)
    {
        foreach (BootModule module in boot.Modules)
        {
            ulong length = module.End - module.Start;
            if (length == 0 || length > int.MaxValue)
            {
                s_problems.Add($"module '{module.Name}': {length} bytes, not read");
                continue;
            }
            ulong address = KernelLayout.DirectMap(new PhysicalAddress(module.Start)).Value;
            var archive = TarArchive.Parse(new ReadOnlySpan<byte>((void*)address, (int)length));
            if (archive.Problem != null) s_problems.Add($"module '{module.Name}': {archive.Problem}");
            foreach (TarEntry e in archive.Entries)
                if (Find(e.Name) == null)
                    s_programs.Add(new Program(e.Name, address + e.Offset, e.Size, ModuleName(module.Name)));
        }
    }

    /// <summary>name, size, archive: one line each for `ls`.</summary>
    public static List<(string Name, ulong Size, string Module)> List()
    {
        var list = new List<(string, ulong, string)>();
        foreach (Program p in s_programs) list.Add((p.Name, p.Size, p.Module));
        return list;
    }

    /// <summary>A program's bytes (read-only, in the boot module), or false when no archive holds that name.</summary>
    public static bool TryGet(string name, out ReadOnlySpan<byte> bytes)
    {
        Program? p = Find(name);
        bytes = p is Program found ? new ReadOnlySpan<byte>((void*)found.Address, (int)found.Size) : default;
        return p != null;
    }

    private static Program? Find(string name)
    {
        foreach (Program p in s_programs) if (p.Name == name) return p;
        return null;
    }

    private static string ModuleName(string commandLine)
    {
        string first = commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries) is { Length: > 0 } w
            ? w[0] : "module";
        int slash = first.LastIndexOf('/');
        return slash >= 0 ? first.Substring(slash + 1) : first;
    }
}
