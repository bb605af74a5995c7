using System;
using MemOS.Memory;

namespace MemOS.Kernel.Shell;

/// <summary>
/// What the memory action commands (alloc, free, touch, read, write, map, unmap) check before acting: the words
/// given, that an address parses, and that it is canonical (a non-canonical access is a #GP, never a page fault).
/// Each check prints its one line and says whether to go on; the memory service is ShellSession.RequireMemory.
/// </summary>
internal static class MemoryArguments
{
    public static bool TryAddress(Command command, string text, out ulong address)
    {
        if (Arguments.TryParseAddress(text, out address)) return true;
        Shell.UsageError(command, $"'{Shell.Printable(text)}' is not an address (0x-hex or decimal)");
        return false;
    }

    /// <summary>A parsed, canonical address; anything else gets its line.</summary>
    public static bool TryCanonical(Command command, string text, out ulong address)
    {
        if (!TryAddress(command, text, out address)) return false;
        if (new VirtualAddress(address).IsCanonical) return true;
        Console.WriteLine($"{command.Name}: {Format.Hex(address)}: non-canonical address "
            + "(bits 63..47 differ: the CPU would raise #GP, not a page fault)");
        return false;
    }

    /// <summary>The words left after the options: none unknown, between min and max of them.</summary>
    public static bool CheckCount(Command command, Arguments args, int min, int max)
    {
        string? unknown = args.UnknownOption();
        if (unknown != null)
        {
            Shell.UsageError(command, $"unknown option '{Shell.Printable(unknown)}'");
            return false;
        }
        if (args.Count < min) { Shell.UsageError(command, "missing arguments"); return false; }
        if (args.Count > max) { Shell.UsageError(command, "too many arguments"); return false; }
        return true;
    }
}
