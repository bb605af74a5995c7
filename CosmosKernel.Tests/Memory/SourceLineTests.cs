using System;
using System.Collections.Generic;
using System.IO;
using MemOS.Tests.Kernel;
using NUnit.Framework;

namespace MemOS.Tests.Memory;

/// <summary>The memory library and its test support keep every line within 120 columns (the project's rule).</summary>
public class SourceLineTests
{
    private const int MaxColumns = 120;

    [TestCase("Memory")]
    [TestCase("Memory.TestSupport")]
    public void No_source_line_is_over_120_columns(string project)
    {
        string root = KernelImage.FindRepositoryRoot(AppContext.BaseDirectory);
        string folder = Path.Combine(root, project);
        var longLines = new List<string>();
        int files = 0;
        foreach (string file in Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(folder, file);
            if (relative.StartsWith("obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                || relative.StartsWith("bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                continue;
            files++;
            string[] lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
                if (lines[i].Length > MaxColumns) longLines.Add($"{project}/{relative}:{i + 1} ({lines[i].Length})");
        }
        Assert.That(files, Is.GreaterThan(5), "the project's sources were found");
        Assert.That(longLines, Is.Empty);
    }
}
