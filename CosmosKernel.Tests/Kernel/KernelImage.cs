using System;
using System.Collections.Generic;
using System.IO;

namespace MemOS.Tests.Kernel;

/// <summary>
/// Where the built kernel is: CosmosKernel/bin/kernel/ under the repository root (the folder holding MemOS.sln),
/// found upward from the test assembly; $MEMOS_KERNEL_DIR overrides the folder. CosmosKernel.Tests has a
/// ProjectReference to CosmosKernel, so `dotnet test` builds the kernel before the tests run.
/// </summary>
public sealed class KernelImage
{
    /// <summary>Environment variable naming a folder that holds kernel.bin, kernel.elf and memos.iso.</summary>
    public const string KernelDirectoryVariable = "MEMOS_KERNEL_DIR";

    /// <summary>The file that marks the repository root.</summary>
    public const string SolutionFile = "MemOS.sln";

    private KernelImage(string outputDirectory, string? repositoryRoot)
    {
        OutputDirectory = outputDirectory;
        RepositoryRoot = repositoryRoot;
    }

    /// <summary>The repository root, or null when the image folder came from $MEMOS_KERNEL_DIR.</summary>
    public string? RepositoryRoot { get; }

    /// <summary>The folder with the build's outputs (CosmosKernel/bin/kernel).</summary>
    public string OutputDirectory { get; }

    /// <summary>The flat multiboot1 image for <c>qemu -kernel</c>.</summary>
    public string FlatImagePath => Path.Combine(OutputDirectory, "kernel.bin");

    /// <summary>The ELF64 with symbols (for gdb and the ISO).</summary>
    public string ElfPath => Path.Combine(OutputDirectory, "kernel.elf");

    /// <summary>The GRUB ISO (multiboot2) for <c>qemu -cdrom</c>.</summary>
    public string IsoPath => Path.Combine(OutputDirectory, "memos.iso");

    /// <summary>The program archives the build made (programs.tar, then ctests.tar), those that exist.</summary>
    public IReadOnlyList<string> ProgramArchives()
    {
        var found = new List<string>();
        foreach (string name in new[] { "programs.tar", "ctests.tar" })
        {
            string path = Path.Combine(OutputDirectory, name);
            if (File.Exists(path)) found.Add(path);
        }
        return found;
    }

    /// <summary>
    /// Finds the kernel for this test run: $MEMOS_KERNEL_DIR, else the repository's CosmosKernel/bin/kernel.
    /// </summary>
    public static KernelImage Locate()
    {
        string? overrideDir = Environment.GetEnvironmentVariable(KernelDirectoryVariable);
        if (!string.IsNullOrEmpty(overrideDir)) return new KernelImage(Path.GetFullPath(overrideDir), null);
        string root = FindRepositoryRoot(AppContext.BaseDirectory);
        return new KernelImage(Path.Combine(root, "CosmosKernel", "bin", "kernel"), root);
    }

    /// <summary>The closest folder at or above <paramref name="start"/> that holds MemOS.sln.</summary>
    public static string FindRepositoryRoot(string start)
    {
        for (DirectoryInfo? dir = new(Path.GetFullPath(start)); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, SolutionFile))) return dir.FullName;
        }
        throw new DirectoryNotFoundException(
            $"no {SolutionFile} at or above {start}: run the tests from the MemOS repository, "
            + $"or set ${KernelDirectoryVariable} to the folder holding kernel.bin.");
    }

    /// <summary>kernel.bin's path; FileNotFoundException with the fix if it has not been built.</summary>
    public string RequireFlatImage() => Require(FlatImagePath, "the kernel image");

    /// <summary>kernel.elf's path; FileNotFoundException with the fix if it has not been built.</summary>
    public string RequireElf() => Require(ElfPath, "the kernel ELF");

    /// <summary>memos.iso's path; FileNotFoundException with the fix if it has not been built.</summary>
    public string RequireIso()
        => Require(IsoPath, "the GRUB ISO (needs grub-mkrescue, xorriso and mtools: ./memos setup)");

    private static string Require(string path, string what)
    {
        if (File.Exists(path)) return path;
        throw new FileNotFoundException(
            $"{what} is missing: {path}. Build it with `./memos build` (dotnet build CosmosKernel); "
            + "`dotnet test` builds it through CosmosKernel.Tests' ProjectReference "
            + "unless the kernel build failed (see the build output).",
            path);
    }
}
