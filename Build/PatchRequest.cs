using System.Collections.Generic;

namespace MemOS.Build;

/// <summary>
/// What the patcher works on: the assemblies whose plug classes are applied, the ilc inputs (any of which may be
/// a target), the references (CoreLib and facades: targets too, never compiled alone), and where patched copies go.
/// </summary>
public sealed record PatchRequest(
    IReadOnlyList<string> PlugAssemblies,
    IReadOnlyList<string> Inputs,
    IReadOnlyList<string> References,
    string OutputDirectory);
