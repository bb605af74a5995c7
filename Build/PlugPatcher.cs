using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Mono.Cecil;

namespace MemOS.Build;

/// <summary>
/// Applies every [Plug] of the plug assemblies: resolve the target type, match each plug method to exactly one
/// target method, rewrite that method to call the plug, and write each changed assembly (same file name, as ilc
/// keys assemblies by file name) into the output directory. All errors are collected, and if there is any
/// nothing is written: a plug that does not apply fails the build (Cosmos's IL2CPU silently skips it).
/// </summary>
public static class PlugPatcher
{
    public static PatchResult Run(PatchRequest request)
    {
        var errors = new List<PlugError>();
        var applied = new List<string>();
        using var assemblies = new AssemblySet();
        foreach (string path in request.PlugAssemblies.Concat(request.Inputs)) assemblies.Add(path, isInput: true);
        foreach (string path in request.References) assemblies.Add(path, isInput: false);

        foreach (AssemblySet.Entry entry in assemblies.Entries)
            if (!File.Exists(entry.Path)) errors.Add(PlugError.Tool($"assembly not found: {entry.Path}"));
        if (errors.Count > 0) return Failed(errors);

        var resolver = new TargetTypeResolver(assemblies);
        var replaced = new Dictionary<MethodDefinition, MethodDefinition>();
        foreach (string plugPath in request.PlugAssemblies.DistinctBy(Path.GetFileNameWithoutExtension))
        {
            AssemblySet.Entry plugEntry = assemblies.Find(Path.GetFileNameWithoutExtension(plugPath))!;
            foreach (PlugClass plug in PlugClass.FindAll(assemblies.Load(plugEntry).MainModule))
                Apply(plug, resolver, assemblies, replaced, errors, applied);
        }
        if (errors.Count > 0) return Failed(errors);

        try
        {
            return Write(request, assemblies, applied);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or BadImageFormatException
                                      or InvalidOperationException)
        {
            return Failed(
                [PlugError.Tool($"writing patched assemblies to {request.OutputDirectory} failed: {e.Message}")]);
        }
    }

    private static void Apply(PlugClass plug, TargetTypeResolver resolver, AssemblySet assemblies,
        Dictionary<MethodDefinition, MethodDefinition> replaced, List<PlugError> errors, List<string> applied)
    {
        // A static class is abstract and sealed in metadata.
        if (!(plug.Type.IsAbstract && plug.Type.IsSealed))
        {
            errors.Add(PlugError.Plug($"plug class {plug.Name} must be static (declare it 'static class')"));
            return;
        }
        if (!plug.IsVisibleOutside)
        {
            errors.Add(PlugError.Plug(
                $"plug class {plug.Name} must be public: the patched target calls it from another assembly"));
            return;
        }
        TypeDefinition? target = resolver.Resolve(plug, out PlugError? typeError);
        if (target == null)
        {
            errors.Add(typeError!.Value);
            return;
        }
        List<MethodDefinition> methods = plug.PlugMethods.ToList();
        if (methods.Count == 0)
        {
            errors.Add(PlugError.Plug($"plug class {plug.Name} has no public static methods: it replaces nothing"));
            return;
        }
        foreach (MethodDefinition method in methods)
        {
            MethodDefinition? targetMethod = MethodMatcher.Match(method, target, out PlugError? methodError);
            if (targetMethod == null)
            {
                errors.Add(methodError!.Value);
                continue;
            }
            if (replaced.TryGetValue(targetMethod, out MethodDefinition? earlier))
            {
                errors.Add(PlugError.Plug($"plug {Signatures.PlugMethod(method)}: '{Signatures.TypeName(target)}' "
                    + $"{Signatures.Target(targetMethod)} is already replaced by {Signatures.PlugMethod(earlier)}"));
                continue;
            }
            replaced.Add(targetMethod, method);
            MethodForwarder.Forward(targetMethod, method);
            assemblies.Find(targetMethod.Module.Assembly.Name.Name)!.Patched = true;
            applied.Add(
                $"{Signatures.TypeName(target)}::{Signatures.Target(targetMethod)} -> {Signatures.PlugMethod(method)}");
        }
    }

    private static PatchResult Write(PatchRequest request, AssemblySet assemblies, List<string> applied)
    {
        string output = Path.GetFullPath(request.OutputDirectory);
        Directory.CreateDirectory(output);
        var written = new HashSet<string>(StringComparer.Ordinal);
        // A patched copy depends only on its original, the plug assemblies and the patcher: when all are older
        // than the copy, it is reused (a kernel-only edit then doesn't rewrite the 5.6 MB CoreLib).
        DateTime newestSource = request.PlugAssemblies.Append(typeof(PlugPatcher).Assembly.Location)
            .Where(File.Exists).Select(File.GetLastWriteTimeUtc).DefaultIfEmpty(DateTime.MaxValue).Max();

        string PathFor(string original)
        {
            AssemblySet.Entry entry = assemblies.Find(Path.GetFileNameWithoutExtension(original))!;
            if (!entry.Patched) return entry.Path;
            string patched = Path.Combine(output, Path.GetFileName(entry.Path));
            if (written.Add(patched) && !IsCurrent(patched, entry.Path, newestSource))
            {
                ModuleDefinition module = entry.Assembly!.MainModule;
                // The strong-name signature no longer matches the bytes; don't claim it does.
                module.Attributes &= ~ModuleAttributes.StrongNameSigned;
                entry.Assembly.Write(patched);
            }
            return patched;
        }

        List<string> inputs = request.PlugAssemblies.Concat(request.Inputs)
            .DistinctBy(Path.GetFileNameWithoutExtension).Select(PathFor).ToList();
        List<string> references = request.References.Select(PathFor).ToList();
        // Stale copies from an earlier run would otherwise look like current patches.
        foreach (string stale in Directory.EnumerateFiles(output, "*.dll").Where(f => !written.Contains(f)))
            File.Delete(stale);
        return new PatchResult([], applied, inputs, references);
    }

    private static bool IsCurrent(string patched, string original, DateTime newestSource)
    {
        if (!File.Exists(patched)) return false;
        DateTime copy = File.GetLastWriteTimeUtc(patched);
        return copy > newestSource && copy > File.GetLastWriteTimeUtc(original);
    }

    private static PatchResult Failed(List<PlugError> errors) => new(errors, [], [], []);
}
