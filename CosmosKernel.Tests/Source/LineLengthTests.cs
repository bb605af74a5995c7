using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MemOS.Tests.Kernel;
using NUnit.Framework;

namespace MemOS.Tests.Source;

/// <summary>
/// No C# line longer than .editorconfig's max_line_length for *.cs (120) in the projects of the repository. The
/// limit is read from .editorconfig, so it is stated once.
/// </summary>
[TestFixture]
public sealed class LineLengthTests
{
    /// <summary>The folders whose .cs files are checked (those that do not exist yet are skipped).</summary>
    private static readonly string[] Projects =
        ["Memory", "Memory.TestSupport", "CosmosKernel", "Core", "Plugs", "Build", "User", "Benchmarks",
            "CosmosKernel.Tests"];

    private static readonly string Root = KernelImage.FindRepositoryRoot(AppContext.BaseDirectory);

    [Test]
    public void No_cs_line_in_the_projects_is_over_the_limit() => AssertWithinLimit(Projects);

    [Test]
    public void The_limit_is_120_columns_from_editorconfig() => Assert.That(Limit(), Is.EqualTo(120));

    [Test]
    public void A_line_over_the_limit_is_reported_with_its_file_line_and_length()
    {
        string dir = Path.Combine(Path.GetTempPath(), "memos-line-length-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(dir, "obj"));
        try
        {
            string text = "short\n" + new string('x', 121) + "\r\n" + new string('y', 120);
            File.WriteAllText(Path.Combine(dir, "A.cs"), text);
            File.WriteAllText(Path.Combine(dir, "obj", "Generated.cs"), new string('z', 200)); // build output: skipped
            List<string> found = LongLines(dir, dir, 120);
            Assert.That(found, Is.EqualTo(new[] { "A.cs:2: 121 columns" }));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static void AssertWithinLimit(string[] folders)
    {
        int limit = Limit();
        var found = new List<string>();
        foreach (string folder in folders)
        {
            string path = Path.Combine(Root, folder);
            if (Directory.Exists(path)) found.AddRange(LongLines(path, Root, limit));
        }
        Assert.That(found, Is.Empty,
            $"{found.Count} line(s) over {limit} columns:\n" + string.Join("\n", found.Take(100)));
    }

    /// <summary>"path:line: N columns" for every line of a .cs file under folder (bin/ and obj/ left out).</summary>
    private static List<string> LongLines(string folder, string relativeTo, int limit)
    {
        var found = new List<string>();
        var files = Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !IsBuildOutput(Path.GetRelativePath(folder, f)))
            .OrderBy(f => f, StringComparer.Ordinal);
        foreach (string file in files)
        {
            string[] lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                int columns = lines[i].TrimEnd('\r').Length;
                if (columns <= limit) continue;
                string name = Path.GetRelativePath(relativeTo, file).Replace('\\', '/');
                found.Add($"{name}:{i + 1}: {columns} columns");
            }
        }
        return found;
    }

    private static bool IsBuildOutput(string relativePath)
    {
        string[] parts = relativePath.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        return parts.Any(p => p is "bin" or "obj");
    }

    /// <summary>max_line_length in the [*.cs] section of the repository's .editorconfig.</summary>
    private static int Limit()
    {
        bool inCs = false;
        foreach (string raw in File.ReadAllLines(Path.Combine(Root, ".editorconfig")))
        {
            string line = raw.Trim();
            if (line.StartsWith('[')) { inCs = line == "[*.cs]"; continue; }
            if (!inCs || !line.StartsWith("max_line_length", StringComparison.Ordinal)) continue;
            return int.Parse(line[(line.IndexOf('=') + 1)..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }
        throw new InvalidOperationException(".editorconfig sets no max_line_length for [*.cs]");
    }
}
