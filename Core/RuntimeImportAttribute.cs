namespace System.Runtime;

/// <summary>An extern method marked with this (and MethodImplOptions.InternalCall)
/// becomes a plain call to the symbol.</summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class RuntimeImportAttribute : Attribute
{
    public RuntimeImportAttribute(string entry) => Entry = entry;
    public RuntimeImportAttribute(string dllName, string entry) { DllName = dllName; Entry = entry; }
    public string? DllName { get; }
    public string Entry { get; }
}
