using System;

namespace MemOS.Plugs;

/// <summary>
/// Marks a static class whose public static methods replace methods of another type at build time
/// (MemOS.Build's patcher rewrites the target's body to call the plug, before ilc sees it). Name the target
/// with <see cref="Target"/>, or with <see cref="TargetName"/> ("Namespace.Type" or "Namespace.Type, Assembly")
/// when it is not accessible. A plug for an instance method takes <c>this</c> first: typed as the target,
/// or <c>object</c> (reference types) / <c>ref</c> or a pointer (value types) when the target is not accessible.
/// See docs/plugs.md.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class PlugAttribute : Attribute
{
    public Type? Target { get; set; }

    public string? TargetName { get; set; }
}
