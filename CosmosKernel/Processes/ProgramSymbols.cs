using System;
using MemOS.Core.Exceptions;
using MemOS.Memory.Programs;

namespace MemOS.Kernel.Processes;

/// <summary>
/// Names a process's code address from its program file in the archive: a C# program carries the build's symbol
/// table (the kernel's format) in a read-only segment of its own, found by its magic; a program without one (the C
/// probes) simply has no names.
/// </summary>
internal static unsafe class ProgramSymbols
{
    private const uint Magic = 0x4D59534D; // "MSYM"

    /// <summary>The segment holds the symbol table (read-only, not code: `vmmap` calls it [symbols]).</summary>
    public static bool IsTable(ReadOnlySpan<byte> file, ElfSegment s)
    {
        if (s.Write || s.Execute || s.FileSize < 16 || s.FileOffset + s.FileSize > (ulong)file.Length) return false;
        fixed (byte* t = file.Slice((int)s.FileOffset, 4)) return *(uint*)t == Magic;
    }

    /// <summary>" (Namespace.Type.Method+0xOFFSET)" for address in program `name`, or "".</summary>
    public static string Describe(string name, ulong address)
    {
        if (!ProgramArchive.TryGet(name, out ReadOnlySpan<byte> file)) return "";
        ElfImage? image = ElfImage.Parse(file, out _);
        if (image == null) return "";
        foreach (ElfSegment s in image.Segments)
        {
            if (s.Write || s.Execute || s.FileSize < 16 || s.FileOffset + s.FileSize > (ulong)file.Length) continue;
            ReadOnlySpan<byte> table = file.Slice((int)s.FileOffset, (int)s.FileSize);
            fixed (byte* t = table)
            {
                if (*(uint*)t != Magic) continue;
                if (!SymbolTable.TryFindCodeIn(t, (ulong)table.Length, address, out byte* symbol, out ulong offset))
                    return "";
                return " (" + new string((sbyte*)symbol) + "+0x" + offset.ToString("x") + ")";
            }
        }
        return "";
    }
}
