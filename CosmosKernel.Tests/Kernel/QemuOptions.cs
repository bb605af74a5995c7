using System;
using System.Collections.Generic;

namespace MemOS.Tests.Kernel;

/// <summary>
/// One QEMU invocation, as the protocol fixes it: <c>qemu-system-x86_64 -kernel BIN -append "CMDLINE" -serial stdio
/// -display none -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04 -m MEM -cpu max</c> (TCG), or
/// <c>-cdrom ISO</c> instead of -kernel/-append (GRUB's configuration fixes the command line).
/// </summary>
public sealed record QemuOptions
{
    /// <summary>Default guest memory.</summary>
    public const string DefaultMemory = "128M";

    /// <summary>
    /// The flat multiboot image for <c>-kernel</c>; exactly one of this and <see cref="IsoPath"/> is set.
    /// </summary>
    public string? KernelPath { get; init; }

    /// <summary>The GRUB ISO for <c>-cdrom</c>.</summary>
    public string? IsoPath { get; init; }

    /// <summary>Kernel command line (space-separated key=value words); only with <see cref="KernelPath"/>.</summary>
    public string CommandLine { get; init; } = "";

    /// <summary>Guest memory, as QEMU's -m takes it.</summary>
    public string Memory { get; init; } = DefaultMemory;

    /// <summary>
    /// Boot modules for <c>-initrd</c> (the program archives, programs.tar first); only with <see cref="KernelPath"/>.
    /// </summary>
    public IReadOnlyList<string> Modules { get; init; } = [];

    /// <summary>Arguments appended after the standard ones.</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];

    /// <summary>The QEMU executable; null: $MEMOS_QEMU, then qemu-system-x86_64 on PATH.</summary>
    public string? QemuPath { get; init; }

    /// <summary>Boot the flat image with <c>-kernel</c> and the given command line.</summary>
    public static QemuOptions ForKernel(string kernelPath, string commandLine = "")
        => new() { KernelPath = kernelPath, CommandLine = commandLine };

    /// <summary>Boot the GRUB ISO with <c>-cdrom</c>.</summary>
    public static QemuOptions ForIso(string isoPath) => new() { IsoPath = isoPath };

    /// <summary>The image QEMU boots (kernel or ISO).</summary>
    public string ImagePath
        => KernelPath ?? IsoPath ?? throw new InvalidOperationException("QemuOptions: set KernelPath or IsoPath.");

    /// <summary>QEMU's argument list (without the executable).</summary>
    public IReadOnlyList<string> BuildArguments()
    {
        if ((KernelPath is null) == (IsoPath is null))
            throw new InvalidOperationException(
                "QemuOptions: set exactly one of KernelPath (-kernel) and IsoPath (-cdrom).");
        if (IsoPath is not null && !string.IsNullOrWhiteSpace(CommandLine))
            throw new InvalidOperationException(
                "QemuOptions: an ISO boot cannot take a command line (GRUB's grub.cfg fixes it); use KernelPath.");
        var args = new List<string>();
        if (KernelPath is not null)
        {
            args.Add("-kernel");
            args.Add(KernelPath);
            if (!string.IsNullOrWhiteSpace(CommandLine))
            {
                args.Add("-append");
                args.Add(CommandLine.Trim());
            }
            if (Modules.Count > 0)
            {
                // QEMU's multiboot loader: comma-separated modules, each "path [its command line]"
                args.Add("-initrd");
                args.Add(string.Join(",", Modules));
            }
        }
        else
        {
            args.Add("-cdrom");
            args.Add(IsoPath!);
        }
        args.AddRange(["-serial", "stdio", "-display", "none", "-no-reboot",
            "-device", $"isa-debug-exit,iobase=0x{SerialProtocol.DebugExitPort:x},iosize=0x04",
            "-m", Memory, "-cpu", "max"]);
        args.AddRange(ExtraArguments);
        return args;
    }
}
