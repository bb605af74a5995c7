using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace MemOS.Build;

/// <summary>
/// `dotnet MemOS.Build.dll plugs --plugs A.dll --input B.dll --reference C.dll --out DIR --list FILE` (arguments may
/// also come from @response-files, one per line). Writes patched assemblies to DIR and, in FILE, the ilc arguments
/// naming the assemblies to compile (inputs) and reference (-r:), patched or original. Errors go to stdout as
/// MSBuild canonical lines and the exit code is 1.
/// `dotnet MemOS.Build.dll symbols NM-OUTPUT ASSEMBLY-LIST OUT` writes the kernel's symbol table (SymbolTableWriter).
/// `dotnet MemOS.Build.dll font FONT.psf.gz OUT.cs` writes the console font's C# data (FontSourceWriter).
/// </summary>
internal static class Program
{
    private const string Usage = "usage: MemOS.Build plugs --plugs <dll>... --input <dll>... --reference <dll>..."
        + " --out <dir> --list <file>";

    private static int Main(string[] args)
    {
        List<string> arguments = Expand(args);
        if (arguments.Count == 4 && arguments[0] == "symbols")
            return SymbolTableWriter.Run(arguments[1], arguments[2], arguments[3]);
        if (arguments.Count == 3 && arguments[0] == "font") return FontSourceWriter.Run(arguments[1], arguments[2]);
        if (arguments.Count == 0 || arguments[0] != "plugs") return Fail(PlugError.Tool(Usage));

        var plugs = new List<string>();
        var inputs = new List<string>();
        var references = new List<string>();
        string? output = null, list = null;
        for (int i = 1; i < arguments.Count; i++)
        {
            // "--option value" or "--option=value" (the form MSBuild writes into the response file).
            string option = arguments[i], value;
            int equals = option.IndexOf('=');
            if (equals > 0)
            {
                value = option[(equals + 1)..];
                option = option[..equals];
            }
            else if (i + 1 < arguments.Count) value = arguments[++i];
            else return Fail(PlugError.Tool($"option {option} needs a value; {Usage}"));
            switch (option)
            {
                case "--plugs": plugs.Add(value); break;
                case "--input": inputs.Add(value); break;
                case "--reference": references.Add(value); break;
                case "--out": output = value; break;
                case "--list": list = value; break;
                default: return Fail(PlugError.Tool($"unknown option {option}; {Usage}"));
            }
        }
        if (output == null || list == null) return Fail(PlugError.Tool($"--out and --list are required; {Usage}"));

        // A failed run must not leave an older list behind for ilc to pick up.
        if (File.Exists(list)) File.Delete(list);
        PatchResult result = PlugPatcher.Run(new PatchRequest(plugs, inputs, references, output));
        if (!result.Succeeded)
        {
            foreach (PlugError error in result.Errors) Console.WriteLine(error.ToMSBuildLine());
            return 1;
        }
        foreach (string line in result.Applied) Console.WriteLine($"plugs: {line}");
        Console.WriteLine($"plugs: {result.Applied.Count} method(s) replaced");
        File.WriteAllLines(list, result.Inputs.Concat(result.References.Select(r => "-r:" + r)));
        return 0;
    }

    private static int Fail(PlugError error)
    {
        Console.WriteLine(error.ToMSBuildLine());
        return 1;
    }

    private static List<string> Expand(IEnumerable<string> args)
    {
        var expanded = new List<string>();
        foreach (string arg in args)
        {
            if (arg.StartsWith('@'))
                expanded.AddRange(File.ReadAllLines(arg[1..]).Select(l => l.Trim()).Where(l => l.Length > 0));
            else expanded.Add(arg);
        }
        return expanded;
    }
}
