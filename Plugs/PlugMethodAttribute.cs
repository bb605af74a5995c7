using System;

namespace MemOS.Plugs;

/// <summary>
/// Names the target method a plug method replaces when its own name cannot: a property accessor
/// ("get_MachineName") or a constructor (".ctor", the plug taking <c>this</c> first and returning void).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class PlugMethodAttribute : Attribute
{
    public string? TargetName { get; set; }
}
