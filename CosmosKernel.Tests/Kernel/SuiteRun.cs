using System;
using System.Collections.Generic;
using System.Linq;

namespace MemOS.Tests.Kernel;

/// <summary>
/// One boot of an in-kernel suite: QEMU with <c>suite=NAME</c>, the <c>[test]</c> results collected by name, the
/// <c>[suite]</c> summary and QEMU's exit status. A panic line stops the run at once (after a short grace to collect
/// its details); no exit before the timeout (default 120 s) kills QEMU. Both are kept in <see cref="Abort"/> with the
/// serial log rather than thrown, so results reported before the failure stay usable.
/// </summary>
public sealed class SuiteRun
{
    /// <summary>How long a suite may run when <see cref="BootOptions.Timeout"/> is not set.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(120);

    /// <summary>How long the runner keeps reading after a panic line, to get the details printed after it.</summary>
    public static readonly TimeSpan PanicGrace = TimeSpan.FromMilliseconds(300);

    /// <summary>How long QEMU may take to exit after the summary line.</summary>
    public static readonly TimeSpan ExitGrace = TimeSpan.FromSeconds(10);

    private readonly Dictionary<string, KernelTestResult> _results = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private readonly List<string> _duplicates = [];
    private readonly List<string> _malformed = [];

    private SuiteRun(string suiteName) => SuiteName = suiteName;

    /// <summary>The suite that was asked for (suite=NAME).</summary>
    public string SuiteName { get; }

    /// <summary>
    /// Results by test name (the first report of a name wins; repeats are in <see cref="DuplicateNames"/>).
    /// </summary>
    public IReadOnlyDictionary<string, KernelTestResult> Results => _results;

    /// <summary>Test names in the order the kernel reported them.</summary>
    public IReadOnlyList<string> ReportedOrder => _order;

    /// <summary>Names reported more than once.</summary>
    public IReadOnlyList<string> DuplicateNames => _duplicates;

    /// <summary>
    /// Lines that start like <c>[test]</c> or <c>[suite]</c> but do not follow the grammar (or a second summary).
    /// </summary>
    public IReadOnlyList<string> MalformedLines => _malformed;

    /// <summary>The summary line, or null if the kernel never printed one.</summary>
    public SuiteSummary? Summary { get; private set; }

    /// <summary>QEMU's exit status when it exited on its own; null if the runner had to kill it.</summary>
    public int? ExitCode { get; private set; }

    /// <summary>The value the kernel wrote to isa-debug-exit, derived from <see cref="ExitCode"/>.</summary>
    public int? DebugExitValue => SerialProtocol.DebugExitValue(ExitCode);

    /// <summary>Everything the kernel printed on COM1.</summary>
    public string SerialLog { get; private set; } = "";

    /// <summary>QEMU's stderr.</summary>
    public string QemuErrors { get; private set; } = "";

    /// <summary>From QEMU's start to the end of the run.</summary>
    public TimeSpan Duration { get; private set; }

    /// <summary>
    /// Why the run stopped early (a <see cref="KernelPanicException"/>, a <see cref="KernelTimeoutException"/>, QEMU
    /// failing), or null.
    /// </summary>
    public KernelRunException? Abort { get; private set; }

    /// <summary>Results that failed, in reported order.</summary>
    public IEnumerable<KernelTestResult> Failures => _order.Select(n => _results[n]).Where(r => r.Failed);

    /// <summary>
    /// Boots the kernel with <c>suite=<paramref name="suiteName"/></c> (plus the options' words) and collects the run.
    /// </summary>
    public static SuiteRun Execute(string suiteName, BootOptions? options = null)
    {
        options ??= new BootOptions();
        QemuOptions qemuOptions = options.ToQemuOptions($"{SerialProtocol.SuiteArgument}={suiteName}");
        using QemuProcess qemu = QemuProcess.Start(qemuOptions);
        var run = new SuiteRun(suiteName);
        run.Collect(qemu, options.Timeout ?? DefaultTimeout);
        return run;
    }

    /// <summary>
    /// Interprets a canned serial log as a run of <paramref name="suiteName"/> that ended with
    /// <paramref name="exitCode"/>.
    /// </summary>
    public static SuiteRun Parse(string suiteName, string serialLog, int? exitCode)
    {
        var run = new SuiteRun(suiteName) { SerialLog = serialLog, ExitCode = exitCode };
        var lines = new SerialLineBuffer();
        var all = new List<string>(lines.Append(serialLog));
        if (lines.Flush() is string last) all.Add(last);
        foreach (string line in all)
        {
            if (SerialProtocol.IsPanic(line))
            {
                run.Abort = new KernelPanicException(serialLog[SerialProtocol.FindPanic(serialLog)..], serialLog);
                break;
            }
            run.Feed(line);
        }
        return run;
    }

    /// <summary>Throws <see cref="Abort"/> if the run stopped early.</summary>
    public void ThrowIfAborted()
    {
        if (Abort is not null) throw Abort;
    }

    /// <summary>
    /// Everything that disagrees between the run and the host's list of expected tests: tests missing or unexpected,
    /// names repeated, malformed lines, a missing or wrong summary, an exit status the summary does not promise, an
    /// early stop. Empty when all agree.
    /// </summary>
    public IReadOnlyList<string> CheckAgainst(IEnumerable<string> expectedNames)
    {
        var problems = new List<string>();
        if (Abort is not null) problems.Add($"the run stopped early: {Abort.Problem}");
        var expected = new List<string>(expectedNames);
        var expectedSet = new HashSet<string>(expected, StringComparer.Ordinal);
        foreach (string dup in expected.GroupBy(n => n, StringComparer.Ordinal)
                     .Where(g => g.Count() > 1).Select(g => g.Key))
            problems.Add($"the host fixture lists '{dup}' more than once");
        List<string> missing = expected.Distinct(StringComparer.Ordinal).Where(n => !_results.ContainsKey(n)).ToList();
        List<string> unexpected = _order.Where(n => !expectedSet.Contains(n)).ToList();
        if (missing.Count > 0)
            problems.Add($"listed on the host but not reported by the kernel: {string.Join(", ", missing)}");
        if (unexpected.Count > 0)
            problems.Add($"reported by the kernel but not listed on the host: {string.Join(", ", unexpected)}");
        if (_duplicates.Count > 0)
            problems.Add($"reported more than once: {string.Join(", ", _duplicates.Distinct(StringComparer.Ordinal))}");
        foreach (string line in _malformed) problems.Add($"malformed protocol line: \"{line}\"");
        if (Summary is null)
        {
            problems.Add($"no summary line \"[suite] {SuiteName} done: P passed, F failed\"");
        }
        else
        {
            int passed = _results.Values.Count(r => r.Passed);
            int skipped = _results.Values.Count(r => r.Skipped);
            int failed = _results.Count - passed - skipped;
            if (Summary.Suite != SuiteName)
                problems.Add($"the summary names suite '{Summary.Suite}', but '{SuiteName}' was booted");
            if (Summary.Passed != passed || Summary.Failed != failed || Summary.Skipped != skipped)
                problems.Add($"the summary says {Summary.Passed} passed, {Summary.Failed} failed, "
                    + $"{Summary.Skipped} skipped, "
                    + $"but the [test] lines say {passed} passed, {failed} failed, {skipped} skipped");
            if (ExitCode is null)
                problems.Add("QEMU did not exit through isa-debug-exit (the runner had to kill it)");
            else if (ExitCode != Summary.ExpectedExitStatus)
                problems.Add($"QEMU exited with status {ExitCode}, "
                    + $"but the summary promises {Summary.ExpectedExitStatus} "
                    + "(isa-debug-exit: 1 = all passed, 3 = some failed)");
        }
        return problems;
    }

    private void Collect(QemuProcess qemu, TimeSpan timeout)
    {
        var lines = new SerialLineBuffer();
        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        long? exitDeadline = null;
        bool panicked = false;
        while (true)
        {
            long left = (exitDeadline ?? deadline) - Environment.TickCount64;
            if (qemu.WaitForOutput(TimeSpan.FromMilliseconds(Math.Max(0, left))))
            {
                foreach (string line in lines.Append(qemu.ReadAvailable()))
                {
                    if (SerialProtocol.IsPanic(line)) panicked = true;
                    else if (!panicked) Feed(line);
                }
                if (panicked || SerialProtocol.IsPanic(lines.Partial))
                {
                    StopAfterPanic(qemu);
                    break;
                }
                if (Summary is not null && exitDeadline is null)
                    exitDeadline = Math.Min(deadline, Environment.TickCount64 + (long)ExitGrace.TotalMilliseconds);
                continue;
            }
            if (qemu.OutputEnded)
            {
                if (lines.Flush() is string last) Feed(last);
                break;
            }
            qemu.Kill();
            if (exitDeadline is null)
                Abort = new KernelTimeoutException($"suite '{SuiteName}' to finish (its summary line and QEMU's exit)",
                    timeout, qemu.SerialLog, qemu.ErrorLog);
            break;
        }
        qemu.WaitForExit(TimeSpan.FromSeconds(10));
        ExitCode = qemu.ExitCode;
        SerialLog = qemu.SerialLog;
        QemuErrors = qemu.ErrorLog;
        Duration = qemu.Elapsed;
        if (Abort is null && SerialLog.Length == 0 && ExitCode is not null && QemuErrors.Trim().Length > 0)
            Abort = new KernelRunException($"QEMU stopped (status {ExitCode}) before the kernel printed anything",
                SerialLog, QemuErrors);
    }

    private void StopAfterPanic(QemuProcess qemu)
    {
        long graceEnd = Environment.TickCount64 + (long)PanicGrace.TotalMilliseconds;
        for (long left; (left = graceEnd - Environment.TickCount64) > 0 && !qemu.OutputEnded;)
        {
            if (qemu.WaitForOutput(TimeSpan.FromMilliseconds(left))) qemu.ReadAvailable();
        }
        qemu.Kill();
        string log = qemu.SerialLog;
        Abort = new KernelPanicException(log[Math.Max(0, SerialProtocol.FindPanic(log))..], log, qemu.ErrorLog);
    }

    private void Feed(string line)
    {
        if (SerialProtocol.TryParseTestLine(line, out KernelTestResult? result))
        {
            if (_results.TryAdd(result.Name, result)) _order.Add(result.Name);
            else _duplicates.Add(result.Name);
        }
        else if (SerialProtocol.TryParseSummaryLine(line, out SuiteSummary? summary))
        {
            if (Summary is null) Summary = summary;
            else _malformed.Add(line.Trim() + "   (a second summary line)");
        }
        else if (SerialProtocol.LooksLikeTestLine(line) || SerialProtocol.LooksLikeSummaryLine(line))
        {
            _malformed.Add(line.Trim());
        }
    }
}
