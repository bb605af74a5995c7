using System;
using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace MemOS.Tests.Kernel;

/// <summary>
/// The line grammar the kernel speaks on COM1 (fixed; the kernel implements exactly this):
/// <c>[test] NAME PASS</c>, <c>[test] NAME FAIL: reason</c>, <c>[test] NAME SKIP: reason</c> (the test does not
/// apply on this machine), <c>[suite] SUITE done: P passed, F failed, S skipped</c> (", S skipped" optional),
/// a panic line starting with <c>!!! PANIC</c>, and the shell prompt <c>memos> </c> (no newline after it).
/// Any other line is a boot or diagnostic message and is ignored.
/// </summary>
public static partial class SerialProtocol
{
    /// <summary>The shell prompt, exactly; the kernel prints no newline after it.</summary>
    public const string Prompt = "memos> ";

    /// <summary>
    /// A kernel panic prints a line starting with this, then details, then halts (QEMU keeps running).
    /// </summary>
    public const string PanicMarker = "!!! PANIC";

    /// <summary>Kernel command-line word that selects an in-kernel suite instead of the shell.</summary>
    public const string SuiteArgument = "suite";

    /// <summary>
    /// Port of QEMU's isa-debug-exit device; writing V makes QEMU exit with status (V &lt;&lt; 1) | 1.
    /// </summary>
    public const int DebugExitPort = 0xf4;

    /// <summary>QEMU exit status when a suite had no failure (the kernel wrote 0 to the debug-exit port).</summary>
    public const int ExitStatusAllPassed = 1;

    /// <summary>QEMU exit status when a suite had at least one failure (the kernel wrote 1).</summary>
    public const int ExitStatusSomeFailed = 3;

    [GeneratedRegex(@"^\[test\] (?<name>.+?) "
        + @"(?:(?<pass>PASS)|(?<skip>SKIP)(?::\s*(?<reason>.*))?|FAIL(?::\s*(?<reason>.*))?)$",
        RegexOptions.CultureInvariant)]
    private static partial Regex TestLine();

    [GeneratedRegex(@"^\[suite\] (?<suite>\S+) done: (?<passed>\d+) passed, (?<failed>\d+) failed"
        + @"(?:, (?<skipped>\d+) skipped)?$",
        RegexOptions.CultureInvariant)]
    private static partial Regex SummaryLine();

    /// <summary>
    /// Parses <c>[test] NAME PASS</c>, <c>[test] NAME FAIL: reason</c> or <c>[test] NAME SKIP: reason</c> (a FAIL or
    /// SKIP without reason is accepted).
    /// </summary>
    public static bool TryParseTestLine(string line, [NotNullWhen(true)] out KernelTestResult? result)
    {
        Match m = TestLine().Match(Clean(line));
        if (!m.Success)
        {
            result = null;
            return false;
        }
        bool passed = m.Groups["pass"].Success;
        string reason = passed ? "" : m.Groups["reason"].Value.Trim();
        result = new KernelTestResult(m.Groups["name"].Value, passed,
            passed || reason.Length > 0 ? reason : "(no reason given)", m.Groups["skip"].Success);
        return true;
    }

    /// <summary>Parses <c>[suite] SUITE done: P passed, F failed</c> with an optional <c>, S skipped</c>.</summary>
    public static bool TryParseSummaryLine(string line, [NotNullWhen(true)] out SuiteSummary? summary)
    {
        Match m = SummaryLine().Match(Clean(line));
        if (!m.Success)
        {
            summary = null;
            return false;
        }
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        summary = new SuiteSummary(m.Groups["suite"].Value, int.Parse(m.Groups["passed"].Value, culture),
            int.Parse(m.Groups["failed"].Value, culture),
            m.Groups["skipped"].Success ? int.Parse(m.Groups["skipped"].Value, culture) : 0);
        return true;
    }

    /// <summary>
    /// True for a line that claims to be a test result, even a malformed one (so it can be reported).
    /// </summary>
    public static bool LooksLikeTestLine(string line) => Clean(line).StartsWith("[test]", StringComparison.Ordinal);

    /// <summary>True for a line that claims to be a suite summary, even a malformed one.</summary>
    public static bool LooksLikeSummaryLine(string line) => Clean(line).StartsWith("[suite]", StringComparison.Ordinal);

    /// <summary>True when the (complete or partial) line starts with <see cref="PanicMarker"/>.</summary>
    public static bool IsPanic(string line) => Clean(line).StartsWith(PanicMarker, StringComparison.Ordinal);

    /// <summary>
    /// Index in <paramref name="text"/> of the first panic line (a line starting with <see cref="PanicMarker"/>,
    /// complete or not), or -1.
    /// </summary>
    public static int FindPanic(string text)
    {
        int at = 0;
        while (true)
        {
            int hit = text.IndexOf(PanicMarker, at, StringComparison.Ordinal);
            if (hit < 0) return -1;
            if (IsLineStart(text, hit)) return hit;
            at = hit + 1;
        }
    }

    /// <summary>
    /// The value the kernel wrote to isa-debug-exit, from QEMU's exit status, or null if the status cannot come from
    /// it.
    /// </summary>
    public static int? DebugExitValue(int? exitStatus)
        => exitStatus is int s && (s & 1) == 1 && s > 0 && s < 256 ? s >> 1 : null;

    /// <summary>The command-line words are space separated; this joins non-empty parts with single spaces.</summary>
    public static string JoinCommandLine(params string?[] parts)
        => string.Join(' ', Array.FindAll(parts, p => !string.IsNullOrWhiteSpace(p))!).Trim();

    /// <summary>
    /// True when only blanks or carriage returns separate <paramref name="index"/> from the previous line break.
    /// </summary>
    internal static bool IsLineStart(string text, int index)
    {
        for (int i = index - 1; i >= 0; i--)
        {
            char c = text[i];
            if (c == '\n') return true;
            if (c is not ('\r' or ' ' or '\t' or '\0')) return false;
        }
        return true;
    }

    private static string Clean(string line) => line.Trim(' ', '\t', '\r', '\n', '\0');
}
