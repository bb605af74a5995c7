using Mono.Cecil;

namespace MemOS.Build;

/// <summary>
/// Finds the type a plug class targets, by typeof (a reference resolved through the facades to its definition)
/// or by name ("Namespace.Type", nested as "Outer+Inner", optionally ", Assembly"): inputs first, then references.
/// </summary>
internal sealed class TargetTypeResolver(AssemblySet assemblies)
{
    public TypeDefinition? Resolve(PlugClass plug, out PlugError? error)
    {
        error = null;
        if ((plug.Target == null) == (plug.TargetName == null))
        {
            error = PlugError.Plug($"plug class {plug.Name} must name exactly one target: "
                + "[Plug(Target = typeof(X))] or [Plug(TargetName = \"Namespace.Type\")]");
            return null;
        }
        if (plug.Target != null)
        {
            TypeDefinition? resolved = ResolveReference(plug.Target);
            if (resolved == null)
                error = PlugError.Plug(
                    $"plug class {plug.Name}: target type '{plug.Target.FullName.Replace('/', '+')}' not found: "
                    + $"assembly '{plug.Target.Scope.Name}' is not among the input or reference assemblies");
            return resolved;
        }
        return ResolveName(plug, plug.TargetName!, out error);
    }

    private static TypeDefinition? ResolveReference(TypeReference reference)
    {
        try { return reference.Resolve(); }
        catch (AssemblyResolutionException) { return null; }
    }

    private TypeDefinition? ResolveName(PlugClass plug, string targetName, out PlugError? error)
    {
        error = null;
        string typeName = targetName, assemblyName = "";
        int comma = targetName.IndexOf(',');
        if (comma >= 0)
        {
            typeName = targetName[..comma].Trim();
            assemblyName = targetName[(comma + 1)..].Trim();
        }
        string cecilName = typeName.Replace('+', '/');
        if (assemblyName.Length > 0)
        {
            AssemblySet.Entry? entry = assemblies.Find(assemblyName);
            if (entry == null)
            {
                error = PlugError.Plug($"plug class {plug.Name}: target type '{typeName}' not found: "
                    + $"assembly '{assemblyName}' is not among the input or reference assemblies");
                return null;
            }
            TypeDefinition? inAssembly = assemblies.Load(entry).MainModule.GetType(cecilName);
            if (inAssembly == null)
                error = PlugError.Plug(
                    $"plug class {plug.Name}: target type '{typeName}' not found in assembly '{assemblyName}'");
            return inAssembly;
        }
        foreach (AssemblySet.Entry entry in assemblies.Entries)
        {
            TypeDefinition? found = assemblies.Load(entry).MainModule.GetType(cecilName);
            if (found != null) return found;
        }
        error = PlugError.Plug(
            $"plug class {plug.Name}: target type '{typeName}' not found in the input or reference assemblies");
        return null;
    }
}
