using System.Collections.Generic;
using System.Linq;
using Mono.Cecil;

namespace MemOS.Build;

/// <summary>
/// Pairs a plug method with the one target method it replaces: same name (or [PlugMethod] name), same parameter
/// types, same return type. For an instance target the plug has one extra first parameter for 'this': the target
/// type itself or object for a class; ref T or a pointer for a struct. Anything else is an error, never a skip.
/// </summary>
internal static class MethodMatcher
{
    public static MethodDefinition? Match(MethodDefinition plug, TypeDefinition target, out PlugError? error)
    {
        error = null;
        string plugName = Signatures.PlugMethod(plug);
        string targetType = Signatures.TypeName(target);
        string name = PlugClass.TargetMethodName(plug);

        List<MethodDefinition> named = target.Methods.Where(m => m.Name == name).ToList();
        if (named.Count == 0)
        {
            error = PlugError.Plug($"plug {plugName}: target type '{targetType}' has no method named '{name}'");
            return null;
        }
        if (plug.HasGenericParameters || target.HasGenericParameters)
        {
            error = PlugError.Plug($"plug {plugName}: generic methods and methods of generic types cannot be plugged");
            return null;
        }

        List<MethodDefinition> matching = named.Where(m => ParametersMatch(plug, m)).ToList();
        if (matching.Count == 0)
        {
            string candidates = string.Join("; ", named.Select(Signatures.Target));
            error = PlugError.Plug($"plug {plugName}: signature mismatch: no '{name}' of '{targetType}' takes these "
                + $"parameters (a plug for an instance method takes 'this' first); candidates: {candidates}");
            return null;
        }
        if (matching.Count > 1)
        {
            string candidates = string.Join("; ", matching.Select(Signatures.Target));
            error = PlugError.Plug(
                $"plug {plugName}: ambiguous: matches more than one method of '{targetType}': {candidates}");
            return null;
        }

        MethodDefinition method = matching[0];
        if (!Signatures.SameType(method.ReturnType, plug.ReturnType))
        {
            error = PlugError.Plug($"plug {plugName}: signature mismatch: '{targetType}' has "
                + $"{Signatures.Target(method)}, returning {Signatures.TypeName(method.ReturnType)}, "
                + $"but the plug returns {Signatures.TypeName(plug.ReturnType)}");
            return null;
        }
        if (method.IsAbstract || method.HasGenericParameters)
        {
            error = PlugError.Plug($"plug {plugName}: '{targetType}' has {Signatures.Target(method)}, which is "
                + (method.IsAbstract
                    ? "abstract: there is no body to replace"
                    : "generic: generic methods cannot be plugged"));
            return null;
        }
        return method;
    }

    private static bool ParametersMatch(MethodDefinition plug, MethodDefinition target)
    {
        int offset = target.IsStatic ? 0 : 1;
        if (plug.Parameters.Count != target.Parameters.Count + offset) return false;
        if (offset == 1 && !IsThisParameter(plug.Parameters[0].ParameterType, target.DeclaringType)) return false;
        for (int i = 0; i < target.Parameters.Count; i++)
            if (!Signatures.SameType(plug.Parameters[i + offset].ParameterType, target.Parameters[i].ParameterType))
                return false;
        return true;
    }

    /// <summary>What a plug may declare as 'this': what ldarg.0 of the
    /// target holds, or a view of it ilc accepts.</summary>
    public static bool IsThisParameter(TypeReference parameter, TypeDefinition target)
    {
        if (target.IsValueType)
            return parameter is PointerType
                || (parameter is ByReferenceType byRef && Signatures.SameType(byRef.ElementType, target));
        return parameter.FullName == "System.Object" || Signatures.SameType(parameter, target);
    }
}
