using System.Collections.Generic;
using System.Linq;
using Mono.Cecil;

namespace MemOS.Build;

/// <summary>
/// A class marked [Plug] as the patcher reads it from metadata: the class, how it names its target, and the
/// methods that replace target methods (its public static methods; private helpers are left alone).
/// </summary>
internal sealed record PlugClass(TypeDefinition Type, TypeReference? Target, string? TargetName)
{
    public const string PlugAttributeName = "MemOS.Plugs.PlugAttribute";
    public const string PlugMethodAttributeName = "MemOS.Plugs.PlugMethodAttribute";

    public string Name => Type.FullName.Replace('/', '+');

    public IEnumerable<MethodDefinition> PlugMethods
        => Type.Methods.Where(m => m.IsStatic && m.IsPublic && !m.IsConstructor);

    /// <summary>Every [Plug] class of a module, nested ones included.</summary>
    public static IEnumerable<PlugClass> FindAll(ModuleDefinition module)
    {
        foreach (TypeDefinition type in AllTypes(module.Types))
        {
            CustomAttribute? plug =
                type.CustomAttributes.FirstOrDefault(a => a.AttributeType.FullName == PlugAttributeName);
            if (plug == null) continue;
            TypeReference? target = null;
            string? targetName = null;
            foreach (CustomAttributeNamedArgument property in plug.Properties)
            {
                if (property.Name == "Target") target = property.Argument.Value as TypeReference;
                else if (property.Name == "TargetName") targetName = property.Argument.Value as string;
            }
            yield return new PlugClass(type, target, targetName);
        }
    }

    /// <summary>The target method name: [PlugMethod(TargetName = ...)] if
    /// present, else the plug method's own name.</summary>
    public static string TargetMethodName(MethodDefinition plugMethod)
    {
        CustomAttribute? attribute =
            plugMethod.CustomAttributes.FirstOrDefault(a => a.AttributeType.FullName == PlugMethodAttributeName);
        if (attribute != null)
            foreach (CustomAttributeNamedArgument property in attribute.Properties)
                if (property.Name == "TargetName" && property.Argument.Value is string name && name.Length > 0)
                    return name;
        return plugMethod.Name;
    }

    /// <summary>Whether code in another assembly may call into the class
    /// (public, and public all the way out).</summary>
    public bool IsVisibleOutside
    {
        get
        {
            for (TypeDefinition? t = Type; t != null; t = t.DeclaringType)
                if (!(t.IsPublic || t.IsNestedPublic)) return false;
            return true;
        }
    }

    private static IEnumerable<TypeDefinition> AllTypes(IEnumerable<TypeDefinition> types)
    {
        foreach (TypeDefinition type in types)
        {
            yield return type;
            if (!type.HasNestedTypes) continue;
            foreach (TypeDefinition nested in AllTypes(type.NestedTypes)) yield return nested;
        }
    }
}
