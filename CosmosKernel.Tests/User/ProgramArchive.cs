using System;
using System.Collections.Generic;
using System.Formats.Tar;
using System.IO;
using System.Linq;
using MemOS.Tests.Kernel;

namespace MemOS.Tests.User;

/// <summary>
/// The build's programs.tar (CosmosKernel/bin/kernel, beside kernel.elf) read with the BCL's TarReader, and the
/// programs the repository defines (the folders of User/Programs): what the tests compare.
/// </summary>
public static class ProgramArchive
{
    public sealed record Entry(
        string Name, TarEntryFormat Format, TarEntryType Type, UnixFileMode Mode, DateTimeOffset Modified,
        byte[] Content);

    public static string ArchivePath => Path.Combine(KernelImage.Locate().OutputDirectory, "programs.tar");

    /// <summary>Program names from the source tree: User/Programs/&lt;Folder&gt; in lower case, sorted.</summary>
    public static IReadOnlyList<string> ExpectedNames()
    {
        string root = KernelImage.FindRepositoryRoot(AppContext.BaseDirectory);
        return Directory.GetDirectories(Path.Combine(root, "User", "Programs"))
            .Select(d => Path.GetFileName(d).ToLowerInvariant()).OrderBy(n => n, StringComparer.Ordinal).ToList();
    }

    private static IReadOnlyList<Entry>? s_entries;

    public static IReadOnlyList<Entry> Entries()
    {
        if (s_entries != null) return s_entries;
        string path = ArchivePath;
        if (!File.Exists(path))
            throw new FileNotFoundException(
                $"programs.tar is missing: {path}; build with ./memos build (dotnet build CosmosKernel).", path);
        var entries = new List<Entry>();
        using FileStream stream = File.OpenRead(path);
        using var reader = new TarReader(stream);
        while (reader.GetNextEntry(copyData: true) is TarEntry e)
        {
            var content = new MemoryStream();
            e.DataStream?.CopyTo(content);
            entries.Add(new Entry(e.Name, e.Format, e.EntryType, e.Mode, e.ModificationTime, content.ToArray()));
        }
        return s_entries = entries;
    }

    public static byte[] Program(string name)
        => Entries().FirstOrDefault(e => e.Name == name)?.Content
            ?? throw new FileNotFoundException($"{name} is not in {ArchivePath}");
}
