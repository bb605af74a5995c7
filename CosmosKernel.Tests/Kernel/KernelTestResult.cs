namespace MemOS.Tests.Kernel;

/// <summary>One <c>[test]</c> line reported by an in-kernel suite: the test's name, PASS or FAIL, and the failure's reason.</summary>
/// <param name="Name">Test name as the kernel printed it.</param>
/// <param name="Passed">True for PASS.</param>
/// <param name="Reason">Empty for PASS; the text after <c>FAIL:</c> otherwise.</param>
public sealed record KernelTestResult(string Name, bool Passed, string Reason);
