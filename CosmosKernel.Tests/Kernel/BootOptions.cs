using System;
using System.Collections.Generic;

namespace MemOS.Tests.Kernel;

/// <summary>How a test boots MemOS: extra command-line words, memory, extra QEMU arguments, the timeout.</summary>
public sealed record BootOptions
{
    /// <summary>Extra kernel command-line words (space-separated key=value), after the runner's own.</summary>
    public string CommandLine { get; init; } = "";

    /// <summary>Guest memory, as QEMU's -m takes it.</summary>
    public string Memory { get; init; } = QemuOptions.DefaultMemory;

    /// <summary>Extra QEMU arguments.</summary>
    public IReadOnlyList<string> ExtraQemuArguments { get; init; } = [];

    /// <summary>
    /// How long the whole run (a suite) or the boot to the first prompt (the shell) may take; null: the default.
    /// </summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>The flat image to boot; null: <see cref="KernelImage.Locate"/>'s kernel.bin.</summary>
    public string? KernelPath { get; init; }

    /// <summary>
    /// Boot modules; null: the program archives built beside the kernel (<see cref="KernelImage.ProgramArchives"/>).
    /// </summary>
    public IReadOnlyList<string>? Modules { get; init; }

    /// <summary>The QEMU executable; null: $MEMOS_QEMU, then PATH.</summary>
    public string? QemuPath { get; init; }

    /// <summary>The QEMU invocation for these options, with the runner's own command-line words first.</summary>
    public QemuOptions ToQemuOptions(string runnerCommandLine) => new()
    {
        KernelPath = KernelPath ?? KernelImage.Locate().RequireFlatImage(),
        CommandLine = SerialProtocol.JoinCommandLine(runnerCommandLine, CommandLine),
        Memory = Memory,
        ExtraArguments = ExtraQemuArguments,
        Modules = Modules ?? (KernelPath == null ? KernelImage.Locate().ProgramArchives() : []),
        QemuPath = QemuPath,
    };
}
