using System;
using NUnit.Framework;

namespace MemOS.Tests.Kernel;

/// <summary>
/// The rule for tests that boot QEMU: they are in category "Kernel"; they are skipped (Assert.Ignore) only when
/// QEMU is truly absent, and even then they fail in CI (CI=true) or when MEMOS_REQUIRE_QEMU=1, where QEMU must be.
/// </summary>
public static class KernelTestEnvironment
{
    /// <summary>NUnit category of every test that boots QEMU.</summary>
    public const string Category = "Kernel";

    /// <summary>Set to 1 to make a missing QEMU a failure instead of a skip.</summary>
    public const string RequireQemuVariable = "MEMOS_REQUIRE_QEMU";

    /// <summary>True in CI or with MEMOS_REQUIRE_QEMU=1: a missing QEMU fails instead of skipping.</summary>
    public static bool QemuIsRequired
        => Environment.GetEnvironmentVariable(RequireQemuVariable) == "1"
           || string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Set to 1 to skip the kernel tests and the Long runs: for mutation testing (docs/testing.md), where Stryker.NET's
    /// initial test run fails when a test-case filter leaves tests out.
    /// </summary>
    public const string SkipSlowVariable = "MEMOS_SKIP_SLOW";

    public static bool SkipSlow => Environment.GetEnvironmentVariable(SkipSlowVariable) == "1";

    /// <summary>Call first in a Long test: ignores it under MEMOS_SKIP_SLOW=1.</summary>
    public static void SkipIfSlowSkipped()
    {
        if (SkipSlow) Assert.Ignore($"{SkipSlowVariable}=1: the long runs are skipped");
    }

    /// <summary>
    /// Call first in every Kernel test (or OneTimeSetUp): ignores the test if QEMU is absent, or fails it where QEMU is
    /// required.
    /// </summary>
    public static void RequireQemu()
    {
        if (SkipSlow) Assert.Ignore($"{SkipSlowVariable}=1: the kernel tests are skipped");
        if (QemuProcess.IsInstalled) return;
        string message = new QemuNotInstalledException().Message;
        if (QemuIsRequired) Assert.Fail(message + $" (QEMU is required here: CI=true or {RequireQemuVariable}=1)");
        Assert.Ignore(message);
    }
}
