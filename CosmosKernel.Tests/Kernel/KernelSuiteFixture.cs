using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using NUnit.Framework;

namespace MemOS.Tests.Kernel;

/// <summary>
/// Base of a host fixture for one in-kernel suite. The suite is booted ONCE (OneTimeSetUp); each name in the derived
/// fixture's static <c>Tests</c> member becomes its own NUnit test case, and one more test checks that the kernel
/// reported exactly those names and that its summary line and QEMU's exit status agree.
/// <code>
/// public sealed class PmmSuite : KernelSuiteFixture
/// {
///     public static readonly string[] Tests = ["alloc_free", "buddy_coalesce"];
///     protected override string SuiteName => "pmm";
/// }
/// </code>
/// </summary>
[Category(KernelTestEnvironment.Category)]
public abstract class KernelSuiteFixture
{
    /// <summary>
    /// The static member (field, property or method) of the derived fixture that lists the expected test names.
    /// </summary>
    public const string TestsMember = "Tests";

    private SuiteRun? _run;
    private string? _logFile;

    /// <summary>The in-kernel suite to boot (suite=NAME).</summary>
    protected abstract string SuiteName { get; }

    /// <summary>Extra command-line words, memory, QEMU arguments, timeout for the boot.</summary>
    protected virtual BootOptions BootOptions => new();

    /// <summary>False only for fixtures that boot a stand-in for QEMU (the runner's own tests).</summary>
    protected virtual bool NeedsRealQemu => true;

    /// <summary>The run (after OneTimeSetUp).</summary>
    protected SuiteRun Run
        => _run ?? throw new InvalidOperationException(
            "the suite has not been booted (OneTimeSetUp did not run or failed)");

    /// <summary>The expected test names of a fixture type: its static <c>Tests</c> member.</summary>
    public static IReadOnlyList<string> ExpectedTests(Type fixtureType)
    {
        const BindingFlags flags =
            BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.FlattenHierarchy;
        object? value = fixtureType.GetField(TestsMember, flags)?.GetValue(null)
                        ?? fixtureType.GetProperty(TestsMember, flags)?.GetValue(null)
                        ?? fixtureType.GetMethod(TestsMember, flags, Type.EmptyTypes)?.Invoke(null, null);
        if (value is not IEnumerable names)
            throw new InvalidOperationException($"{fixtureType.Name} must declare a static '{TestsMember}' "
                + "listing the in-kernel test names (string[]).");
        return names.Cast<object>().Select(n => n is TestCaseData d ? (string)d.Arguments[0]! : (string)n).ToList();
    }

    [OneTimeSetUp]
    public void BootSuite()
    {
        if (NeedsRealQemu) KernelTestEnvironment.RequireQemu();
        _run = SuiteRun.Execute(SuiteName, BootOptions);
        _logFile = Path.Combine(TestContext.CurrentContext.WorkDirectory, "serial", $"{SuiteName}.log");
        Directory.CreateDirectory(Path.GetDirectoryName(_logFile)!);
        File.WriteAllText(_logFile, _run.SerialLog);
        TestContext.Progress.WriteLine(
            $"[kernel] suite {SuiteName}: {_run.Results.Count} results in {_run.Duration.TotalSeconds:0.00} s, "
            + $"exit {_run.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(killed)"}; "
            + $"serial log: {_logFile}");
    }

    /// <summary>
    /// One in-kernel test: passes when the kernel reported it PASS, is skipped (with the kernel's reason) on SKIP.
    /// </summary>
    [TestCaseSource(TestsMember)]
    public void In_kernel(string test)
    {
        SuiteRun run = Run;
        if (run.Results.TryGetValue(test, out KernelTestResult? result))
        {
            if (result.Skipped)
                Assert.Ignore($"in-kernel test '{test}' of suite '{SuiteName}' skipped: {result.Reason}");
            if (!result.Passed)
                Assert.Fail($"in-kernel test '{test}' of suite '{SuiteName}' failed: {result.Reason}\n{LogBlock(run)}");
            return;
        }
        if (run.Abort is not null)
            Assert.Fail($"in-kernel test '{test}' did not report: {run.Abort.Message}\n(full log: {_logFile})");
        Assert.Fail($"the kernel did not report in-kernel test '{test}' (suite '{SuiteName}')\n{LogBlock(run)}");
    }

    /// <summary>
    /// The kernel reported exactly the listed tests, once each, with a summary and exit status that agree.
    /// </summary>
    [Test]
    public void Kernel_reported_exactly_the_listed_tests_with_a_consistent_summary()
    {
        SuiteRun run = Run;
        IReadOnlyList<string> problems = run.CheckAgainst(ExpectedTests(GetType()));
        if (problems.Count > 0)
            Assert.Fail($"suite '{SuiteName}':\n- {string.Join("\n- ", problems)}\n{LogBlock(run)}");
    }

    private string LogBlock(SuiteRun run)
        => SerialLogText.Block(run.SerialLog, run.QemuErrors) + $"\n(full log: {_logFile})";
}
