using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;

namespace MemOS.Tests.Build;

/// <summary>
/// The patcher's output loaded in a collectible AssemblyLoadContext: the patched fixtures resolve to the patched
/// copies (never the originals the default context may hold), everything else falls back to the default context.
/// </summary>
internal sealed class PatchedAssemblies : AssemblyLoadContext, IDisposable
{
    private readonly Dictionary<string, string> _paths;

    public PatchedAssemblies(IEnumerable<string> paths) : base("patched-plug-fixtures", isCollectible: true)
        => _paths = paths.ToDictionary(p => Path.GetFileNameWithoutExtension(p), StringComparer.OrdinalIgnoreCase);

    public Type Type(string assembly, string fullName)
        => LoadFromAssemblyName(new AssemblyName(assembly)).GetType(fullName, throwOnError: true)!;

    protected override Assembly? Load(AssemblyName name)
        => name.Name != null && _paths.TryGetValue(name.Name, out string? path) ? LoadFromAssemblyPath(path) : null;

    public void Dispose() => Unload();
}
