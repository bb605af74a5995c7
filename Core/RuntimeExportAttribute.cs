namespace System.Runtime;

/// <summary>ilc exports a method marked with an attribute of this name under the given symbol.</summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class RuntimeExportAttribute(string entry) : Attribute
{
    public string Entry { get; } = entry;
}
