using System;

namespace MemOS.Tests.Kernel;

/// <summary>
/// A kernel run went wrong on the host side's terms (QEMU died, the kernel panicked, nothing came in time).
/// The message always carries the serial log's tail; <see cref="SerialLog"/> has all of it.
/// </summary>
public class KernelRunException : Exception
{
    public KernelRunException(string problem, string serialLog, string? qemuErrors = null)
        : base(problem + "\n" + SerialLogText.Block(serialLog, qemuErrors))
    {
        Problem = problem;
        SerialLog = serialLog;
        QemuErrors = qemuErrors ?? "";
    }

    /// <summary>The one-line statement of what went wrong, without the log.</summary>
    public string Problem { get; }

    /// <summary>Everything the kernel printed on COM1.</summary>
    public string SerialLog { get; }

    /// <summary>What QEMU printed on stderr (usually nothing).</summary>
    public string QemuErrors { get; }
}

/// <summary>
/// The kernel printed a <c>!!! PANIC</c> line; the runner stopped QEMU at once instead of waiting for a timeout.
/// </summary>
public sealed class KernelPanicException : KernelRunException
{
    public KernelPanicException(string panicText, string serialLog, string? qemuErrors = null)
        : base($"kernel panic: {FirstLine(panicText)}", serialLog, qemuErrors)
        => PanicText = panicText;

    /// <summary>The panic line and the details printed after it.</summary>
    public string PanicText { get; }

    private static string FirstLine(string text)
    {
        int nl = text.IndexOf('\n', StringComparison.Ordinal);
        return (nl < 0 ? text : text[..nl]).TrimEnd('\r');
    }
}

/// <summary>Nothing conclusive came before the deadline; QEMU was killed.</summary>
public sealed class KernelTimeoutException : KernelRunException
{
    public KernelTimeoutException(string waitingFor, TimeSpan timeout, string serialLog, string? qemuErrors = null)
        : base($"timed out after {timeout.TotalSeconds:0.#} s waiting for {waitingFor}; QEMU was killed",
            serialLog, qemuErrors)
        => Timeout = timeout;

    /// <summary>The time that was allowed.</summary>
    public TimeSpan Timeout { get; }
}
