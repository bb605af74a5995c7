using System.Collections.Generic;
using System.Linq;
using Mono.Cecil;

namespace MemOS.Build;

/// <summary>
/// How methods are compared and named in messages. Types compare by full name, not by scope: a plug sees
/// System.String through the System.Runtime facade, the target through CoreLib, and both mean the same type.
/// </summary>
internal static class Signatures
{
    public static string TypeName(TypeReference type) => type.FullName.Replace('/', '+');

    public static bool SameType(TypeReference a, TypeReference b) => TypeName(a) == TypeName(b);

    public static string Parameters(IEnumerable<ParameterDefinition> parameters)
        => string.Join(", ", parameters.Select(p => TypeName(p.ParameterType)));

    /// <summary>"PlugClass.Method(T1, T2)": how a plug method is named in errors.</summary>
    public static string PlugMethod(MethodDefinition plug)
        => $"{TypeName(plug.DeclaringType)}.{plug.Name}({Parameters(plug.Parameters)})";

    /// <summary>"static System.Int32 Add(System.Int32, System.Int32)": how
    /// a target candidate is named in errors.</summary>
    public static string Target(MethodDefinition method)
        => $"{(method.IsStatic ? "static" : "instance")} {TypeName(method.ReturnType)} "
            + $"{method.Name}({Parameters(method.Parameters)})";
}
