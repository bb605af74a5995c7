using System.Collections.Generic;

namespace MemOS.Build;

/// <summary>
/// The outcome of one patcher run. On success <see cref="Inputs"/> and <see cref="References"/> are the paths ilc
/// should use (the patched copy where an assembly was patched, the original otherwise), in the request's order.
/// </summary>
public sealed record PatchResult(
    IReadOnlyList<PlugError> Errors,
    IReadOnlyList<string> Applied,
    IReadOnlyList<string> Inputs,
    IReadOnlyList<string> References)
{
    public bool Succeeded => Errors.Count == 0;
}
