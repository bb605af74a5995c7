using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace MemOS.Build;

/// <summary>
/// Turns ilc's symbol names back into C# names: `MemOS_CosmosKernel_MemOS_Kernel_Shell_Shell__Execute` (assembly
/// prefix, namespace and type with '.' as '_', "__", method) becomes `MemOS.Kernel.Shell.Shell.Execute`, and a
/// MethodTable `_ZTV41S_P_CoreLib_System_NullReferenceException` becomes `System.NullReferenceException`. The
/// mangling is lossy: an '_' inside an identifier prints as '.', a nested type's '+' as '.'.
/// </summary>
internal sealed partial class SymbolNames
{
    private readonly List<string> _assemblyPrefixes;

    public SymbolNames(IEnumerable<string> assemblyNames)
    {
        _assemblyPrefixes = assemblyNames.Select(Prefix).Distinct().OrderByDescending(p => p.Length).ToList();
    }

    /// <summary>ilc's prefix for an assembly: System.Private.X is S_P_X, every other '.' an '_'.</summary>
    public static string Prefix(string assembly)
    {
        string name = assembly.StartsWith("System.Private.", StringComparison.Ordinal)
            ? "S_P_" + assembly["System.Private.".Length..]
            : assembly;
        return name.Replace('.', '_') + "_";
    }

    /// <summary>A method (or funclet, stub) symbol as
    /// Namespace.Type.Method; null for symbols ilc did not name.</summary>
    public string? Method(string symbol)
    {
        string s = symbol;
        string suffix = "";
        if (s.StartsWith("unbox_", StringComparison.Ordinal)) { s = s["unbox_".Length..]; suffix = " (unboxing stub)"; }
        string? rest = StripAssembly(s);
        if (rest == null) return null;
        int split = TopLevelIndexOf(rest, "__");
        if (split < 0) return TypeText(rest) + suffix;
        string type = TypeText(rest[..split]);
        string method = rest[(split + 2)..];
        if (method.StartsWith("_ctor", StringComparison.Ordinal)) method = "." + method[1..];
        else if (method.StartsWith("_cctor", StringComparison.Ordinal)) method = "." + method[1..];
        return type + "." + Generic(method) + suffix;
    }

    /// <summary>A MethodTable symbol (_ZTV + length + mangled type) as Namespace.Type; null otherwise.</summary>
    public string? Type(string symbol)
    {
        Match m = MethodTableSymbol().Match(symbol);
        if (!m.Success) return null;
        string mangled = m.Groups[1].Value;
        // Strings and arrays carry no assembly prefix (`_ZTV6String`, `_ZTV14__Array<Int32>`): the collector's census
        // counts them most.
        if (mangled.StartsWith("__Array<", StringComparison.Ordinal) && mangled.EndsWith('>'))
            return ElementText(mangled["__Array<".Length..^1]) + "[]";
        if (mangled == "String") return "System.String";
        string? rest = StripAssembly(mangled);
        return rest == null ? null : TypeText(rest);
    }

    private string ElementText(string mangled)
        => mangled == "String" ? "System.String" : StripAssembly(mangled) is { } rest ? TypeText(rest) : mangled;

    private string? StripAssembly(string s)
    {
        foreach (string prefix in _assemblyPrefixes)
            if (s.StartsWith(prefix, StringComparison.Ordinal)) return s[prefix.Length..];
        return null;
    }

    private string TypeText(string mangled)
    {
        int angle = mangled.IndexOf('<');
        string head = angle < 0 ? mangled : mangled[..angle];
        string args = angle < 0 ? "" : mangled[angle..];
        head = GenericArity().Replace(head, "`$1").Replace('_', '.');
        return head + Generic(args);
    }

    // Generic arguments keep their shape; assembly prefixes inside them are dropped.
    private string Generic(string text)
    {
        foreach (string prefix in _assemblyPrefixes) text = text.Replace(prefix, "", StringComparison.Ordinal);
        return text;
    }

    private static int TopLevelIndexOf(string s, string what)
    {
        int depth = 0;
        for (int i = 0; i + what.Length <= s.Length; i++)
        {
            if (s[i] == '<') depth++;
            else if (s[i] == '>') depth--;
            else if (depth == 0 && string.CompareOrdinal(s, i, what, 0, what.Length) == 0) return i;
        }
        return -1;
    }

    [GeneratedRegex(@"^_ZTV\d+(.+)$")]
    private static partial Regex MethodTableSymbol();

    [GeneratedRegex(@"_(\d+)$")]
    private static partial Regex GenericArity();
}
