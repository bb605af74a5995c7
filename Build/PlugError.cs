namespace MemOS.Build;

/// <summary>
/// One reason the patcher refused to produce a kernel. Printed as an MSBuild canonical error line
/// ("plugs: error MEMOS001: ...") so `dotnet build` lists it with the other build errors.
/// </summary>
public readonly record struct PlugError(string Code, string Message)
{
    /// <summary>A plug that cannot be applied as written.</summary>
    public const string PlugCode = "MEMOS001";

    /// <summary>The patcher itself was called wrongly or could not read or write an assembly.</summary>
    public const string ToolCode = "MEMOS000";

    public static PlugError Plug(string message) => new(PlugCode, message);

    public static PlugError Tool(string message) => new(ToolCode, message);

    public string ToMSBuildLine() => $"plugs: error {Code}: {Message}";

    public override string ToString() => ToMSBuildLine();
}
