using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace MemOS.Build;

/// <summary>
/// `MemOS.Build symbols --nm FILE --assemblies FILE --out FILE`: from `nm -S -n --defined-only` of the first link,
/// writes the table the kernel carries in its image (section .memos_symbols, read by Core/SymbolTable.cs):
/// "MSYM", code count, type count, string bytes; code rows {ulong start, uint size, uint name}; type rows
/// {ulong MethodTable, uint name, uint 0}, both sorted by address; then the names, NUL-terminated.
/// </summary>
internal static class SymbolTableWriter
{
    public static int Run(string nmFile, string assembliesFile, string output)
    {
        IEnumerable<string> assemblies = File.ReadAllLines(assembliesFile)
            .Select(l => l.StartsWith("-r:", StringComparison.Ordinal) ? l[3..] : l)
            .Where(l => l.Length > 0)
            .Select(Path.GetFileNameWithoutExtension)
            .OfType<string>();
        var names = new SymbolNames(assemblies);
        var code = new List<(ulong Start, uint Size, string Name)>();
        var types = new List<(ulong Address, string Name)>();
        foreach (string line in File.ReadLines(nmFile))
        {
            // "ADDRESS SIZE KIND NAME", or "ADDRESS KIND NAME" for a symbol without a size (MethodTables)
            string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length is not (3 or 4)) continue;
            ulong address = ulong.Parse(f[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            ulong size = f.Length == 4 ? ulong.Parse(f[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture) : 0;
            char kind = char.ToLowerInvariant(f[^2][0]);
            string symbol = f[^1];
            if (kind == 't')
            {
                if (size > 0 && size <= uint.MaxValue) code.Add((address, (uint)size, names.Method(symbol) ?? symbol));
            }
            else if (kind is 'd' or 'r')
            {
                string? type = names.Type(symbol);
                if (type != null) types.Add((address, type));
            }
        }
        code = code.GroupBy(c => c.Start).Select(g => g.First()).OrderBy(c => c.Start).ToList();
        types = types.GroupBy(t => t.Address).Select(g => g.First()).OrderBy(t => t.Address).ToList();

        var strings = new MemoryStream();
        var offsets = new Dictionary<string, uint>();
        uint Name(string s)
        {
            if (offsets.TryGetValue(s, out uint o)) return o;
            o = (uint)strings.Length;
            byte[] bytes = Encoding.ASCII.GetBytes(s);
            strings.Write(bytes);
            strings.WriteByte(0);
            offsets[s] = o;
            return o;
        }
        using var w = new BinaryWriter(File.Create(output));
        uint[] codeNames = code.Select(c => Name(c.Name)).ToArray();
        uint[] typeNames = types.Select(t => Name(t.Name)).ToArray();
        w.Write(Encoding.ASCII.GetBytes("MSYM"));
        w.Write((uint)code.Count);
        w.Write((uint)types.Count);
        w.Write((uint)strings.Length);
        for (int i = 0; i < code.Count; i++) { w.Write(code[i].Start); w.Write(code[i].Size); w.Write(codeNames[i]); }
        for (int i = 0; i < types.Count; i++) { w.Write(types[i].Address); w.Write(typeNames[i]); w.Write(0u); }
        w.Write(strings.ToArray());
        Console.WriteLine(
            $"symbols: {code.Count} functions, {types.Count} types, {strings.Length} bytes of names -> {output}");
        return 0;
    }
}
