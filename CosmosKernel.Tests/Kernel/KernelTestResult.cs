namespace MemOS.Tests.Kernel;

/// <summary>
/// One <c>[test]</c> line reported by an in-kernel suite: the test's name, PASS, FAIL or SKIP, and the failure's or
/// the skip's reason.
/// </summary>
/// <param name="Name">Test name as the kernel printed it.</param>
/// <param name="Passed">True for PASS (false for FAIL and SKIP).</param>
/// <param name="Reason">Empty for PASS; the text after <c>FAIL:</c> or <c>SKIP:</c> otherwise.</param>
/// <param name="Skipped">True for SKIP: the test does not apply on this machine and did not run.</param>
public sealed record KernelTestResult(string Name, bool Passed, string Reason, bool Skipped = false)
{
    /// <summary>True for FAIL.</summary>
    public bool Failed => !Passed && !Skipped;
}
