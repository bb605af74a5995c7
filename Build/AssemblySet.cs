using System;
using System.Collections.Generic;
using System.IO;
using Mono.Cecil;

namespace MemOS.Build;

/// <summary>
/// Every assembly the patcher may read, keyed by simple name (the file name, as ilc keys them), loaded lazily and
/// from memory so the originals are never locked or written. It is also Cecil's resolver, so type references in
/// plugs (e.g. typeof(Environment) through the System.Runtime facade) resolve to the same definitions ilc will see.
/// </summary>
internal sealed class AssemblySet : IAssemblyResolver
{
    private readonly Dictionary<string, Entry> _byName = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<Entry> _searchOrder = [];

    public sealed class Entry(string path, bool isInput)
    {
        public string Path { get; } = path;
        public bool IsInput { get; } = isInput;
        public string Name => System.IO.Path.GetFileNameWithoutExtension(Path);
        public AssemblyDefinition? Assembly { get; set; }
        public bool Patched { get; set; }
    }

    public IReadOnlyList<Entry> Entries => _searchOrder;

    /// <summary>Adds an assembly; the first path given for a simple name
    /// wins (inputs are added before references).</summary>
    public Entry Add(string path, bool isInput)
    {
        string name = Path.GetFileNameWithoutExtension(path);
        if (_byName.TryGetValue(name, out Entry? existing)) return existing;
        var entry = new Entry(Path.GetFullPath(path), isInput);
        _byName.Add(name, entry);
        _searchOrder.Add(entry);
        return entry;
    }

    public Entry? Find(string simpleName) => _byName.GetValueOrDefault(simpleName);

    public AssemblyDefinition Load(Entry entry)
    {
        if (entry.Assembly != null) return entry.Assembly;
        var parameters = new ReaderParameters
        {
            AssemblyResolver = this, ReadingMode = ReadingMode.Deferred, ReadSymbols = false,
        };
        entry.Assembly = AssemblyDefinition.ReadAssembly(new MemoryStream(File.ReadAllBytes(entry.Path)), parameters);
        return entry.Assembly;
    }

    public AssemblyDefinition? Resolve(AssemblyNameReference name) => Resolve(name, new ReaderParameters());

    public AssemblyDefinition? Resolve(AssemblyNameReference name, ReaderParameters parameters)
        => Find(name.Name) is { } entry ? Load(entry) : null;

    public void Dispose()
    {
        foreach (Entry entry in _searchOrder) entry.Assembly?.Dispose();
    }
}
