namespace MemOS.Tests.Kernel;

/// <summary>
/// The <c>[suite] SUITE done: P passed, F failed, S skipped</c> line that ends an in-kernel suite (a summary without
/// the skipped count reports none).
/// </summary>
public sealed record SuiteSummary(string Suite, int Passed, int Failed, int Skipped = 0)
{
    /// <summary>The QEMU exit status this summary promises: 1 when nothing failed, 3 otherwise.</summary>
    public int ExpectedExitStatus
        => Failed > 0 ? SerialProtocol.ExitStatusSomeFailed : SerialProtocol.ExitStatusAllPassed;
}
