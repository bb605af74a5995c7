using System;

namespace MemOS.Kernel.Tests;

/// <summary>
/// One in-kernel test: a name and a check that returns null on success or the reason it failed. When
/// <paramref name="NotApplicable"/> returns a reason (e.g. "the CPU has no SMEP"), the check is not run and the test
/// is reported as skipped with that reason: a test that cannot apply never counts as a pass.
/// </summary>
internal readonly record struct KernelTest(string Name, Func<string?> Check, Func<string?>? NotApplicable = null);
