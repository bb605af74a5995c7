using System;
using System.Collections.Generic;

namespace MemOS.Memory.Boot;

/// <summary>
/// One entry of the bootloader's memory map, exactly as it was reported (sanitising happens in Memory/).
/// </summary>
public readonly record struct BootMemoryEntry(ulong Base, ulong Length, uint Type);

/// <summary>
/// A boot module (an initrd-like blob: the program archives) the bootloader loaded: [Start, End) physical, and its
/// command line.
/// </summary>
public readonly record struct BootModule(ulong Start, ulong End, string Name);

/// <summary>
/// What the bootloader told the kernel, parsed into managed objects, with every problem found listed.
/// </summary>
public sealed class BootInfo
{
    public string Protocol { get; init; } = "unknown";
    public string BootloaderName { get; set; } = "";
    public string CommandLine { get; set; } = "";
    public List<BootMemoryEntry> MemoryMap { get; } = new();
    public List<BootModule> Modules { get; } = new();
    /// <summary>The framebuffer the bootloader set up, if it reported a plausible one.</summary>
    public BootFramebuffer? Framebuffer { get; set; }
    /// <summary>Problems with the boot information: reported, never trusted.</summary>
    public List<string> Problems { get; } = new();

    /// <summary>The value of key=value on the command line, or null.</summary>
    public string? Option(string key)
    {
        foreach (string word in CommandLine.Split(' ', System.StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = word.IndexOf('=');
            if (eq > 0 && word.AsSpan(0, eq).SequenceEqual(key)) return word.Substring(eq + 1);
        }
        return null;
    }
}
