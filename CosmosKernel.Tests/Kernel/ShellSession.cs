using System;
using System.IO;
using System.Text;

namespace MemOS.Tests.Kernel;

/// <summary>
/// MemOS booted to its shell in QEMU, driven over COM1. <see cref="Start"/> waits for the first
/// <c>memos> </c> prompt and measures the time to it; <see cref="Run"/> sends a command line and returns its output
/// (without the echo and the prompt). A panic line or a timeout fails at once with the serial log; QEMU is killed
/// then and on Dispose.
/// </summary>
public sealed class ShellSession : IDisposable
{
    /// <summary>
    /// How long the boot to the first prompt may take when <see cref="BootOptions.Timeout"/> is not set.
    /// </summary>
    public static readonly TimeSpan DefaultBootTimeout = TimeSpan.FromSeconds(60);

    /// <summary>How long one command may take when no timeout is given.</summary>
    public static readonly TimeSpan DefaultCommandTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A prompt not at a line start, or followed by more text, counts once the kernel is quiet this long.
    /// </summary>
    public static readonly TimeSpan QuietPeriod = TimeSpan.FromMilliseconds(150);

    private readonly QemuProcess _qemu;
    private readonly StringBuilder _pending = new();
    private string? _echo;

    private ShellSession(QemuProcess qemu) => _qemu = qemu;

    /// <summary>From QEMU's start to the first prompt.</summary>
    public TimeSpan BootToPrompt { get; private set; }

    /// <summary>What the kernel printed before the first prompt.</summary>
    public string BootLog { get; private set; } = "";

    /// <summary>Everything the kernel printed on COM1 so far.</summary>
    public string SerialLog => _qemu.SerialLog;

    /// <summary>The QEMU behind the session.</summary>
    public QemuProcess Qemu => _qemu;

    /// <summary>
    /// What <see cref="Run"/> and <see cref="Send"/> end a line with: "\r", like a terminal's Enter key.
    /// </summary>
    public string LineEnding { get; set; } = "\r";

    /// <summary>The timeout of <see cref="Run"/> and <see cref="ReadUntilPrompt"/> when none is given.</summary>
    public TimeSpan CommandTimeout { get; set; } = DefaultCommandTimeout;

    /// <summary>
    /// Boots MemOS to the shell (the options' command-line words are passed as they are) and waits for the first
    /// prompt.
    /// </summary>
    public static ShellSession Start(BootOptions? options = null)
    {
        options ??= new BootOptions();
        return Start(options.ToQemuOptions(""), options.Timeout ?? DefaultBootTimeout);
    }

    /// <summary>Boots exactly this QEMU invocation (e.g. the GRUB ISO) and waits for the first prompt.</summary>
    public static ShellSession Start(QemuOptions qemuOptions, TimeSpan bootTimeout)
    {
        QemuProcess qemu = QemuProcess.Start(qemuOptions);
        var session = new ShellSession(qemu);
        try
        {
            string boot = session.ReadResponse(bootTimeout, "the first prompt");
            session.BootToPrompt = qemu.Elapsed;
            session.BootLog = boot.Replace("\r\n", "\n", StringComparison.Ordinal);
            return session;
        }
        catch
        {
            qemu.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sends <paramref name="commandLine"/> and Enter, waits for the next prompt, and returns the output between them:
    /// without the echoed command, without the prompt, CRLF made LF, no final line break.
    /// </summary>
    public string Run(string commandLine, TimeSpan? timeout = null)
    {
        Send(commandLine);
        return ReadUntilPrompt(timeout);
    }

    /// <summary>
    /// Sends a command line and Enter without waiting (then <see cref="SendRaw"/> or <see cref="ReadUntilPrompt"/>).
    /// </summary>
    public void Send(string commandLine)
    {
        if (commandLine.AsSpan().IndexOfAny('\r', '\n') >= 0)
            throw new ArgumentException("one command line at a time (no CR/LF inside); use SendRaw for raw input",
                nameof(commandLine));
        Write(commandLine + LineEnding);
        _echo = commandLine;
    }

    /// <summary>Sends raw characters, as they are: "\x03" is Ctrl+C, "\x1b[A" the Up arrow, "\b" backspace.</summary>
    public void SendRaw(string text) => Write(text);

    /// <summary>
    /// Waits for the next prompt and returns the output before it (cleaned like <see cref="Run"/>'s; the echo of the
    /// last <see cref="Send"/> is removed).
    /// </summary>
    public string ReadUntilPrompt(TimeSpan? timeout = null)
    {
        string raw = ReadResponse(timeout ?? CommandTimeout,
            _echo is null ? "the prompt" : $"the prompt after '{_echo}'");
        string output = ShellPrompt.Clean(raw, _echo);
        _echo = null;
        return output;
    }

    /// <summary>
    /// Waits until <paramref name="text"/> appears in the output not yet returned and returns everything up to and
    /// including it (raw); what follows stays for the next read.
    /// </summary>
    public string ReadUntil(string text, TimeSpan? timeout = null)
    {
        TimeSpan limit = timeout ?? CommandTimeout;
        long deadline = Environment.TickCount64 + (long)limit.TotalMilliseconds;
        while (true)
        {
            Pull();
            string pending = _pending.ToString();
            int at = pending.IndexOf(text, StringComparison.Ordinal);
            if (at >= 0)
            {
                _pending.Remove(0, at + text.Length);
                return pending[..(at + text.Length)];
            }
            WaitOrFail(deadline, limit, $"\"{text}\"");
        }
    }

    /// <summary>Kills QEMU.</summary>
    public void Dispose() => _qemu.Dispose();

    private string ReadResponse(TimeSpan timeout, string waitingFor)
    {
        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        long lastOutput = Environment.TickCount64;
        long quietMs = (long)QuietPeriod.TotalMilliseconds;
        while (true)
        {
            if (Pull()) lastOutput = Environment.TickCount64;
            bool quiet = Environment.TickCount64 - lastOutput >= quietMs;
            if (ShellPrompt.TryTakeResponse(_pending.ToString(), quiet, out string response, out string rest))
            {
                _pending.Clear().Append(rest);
                return response;
            }
            bool candidate = _pending.ToString().Contains(SerialProtocol.Prompt, StringComparison.Ordinal);
            if (candidate && !_qemu.OutputEnded)
            {
                long untilQuiet = lastOutput + quietMs - Environment.TickCount64;
                _qemu.WaitForOutput(
                    TimeSpan.FromMilliseconds(Math.Max(1, Math.Min(untilQuiet, deadline - Environment.TickCount64))));
                if (Environment.TickCount64 < deadline) continue;
            }
            WaitOrFail(deadline, timeout, waitingFor);
        }
    }

    /// <summary>
    /// Moves newly received text into the pending buffer; fails fast on a panic line. True if text came.
    /// </summary>
    private bool Pull()
    {
        string text = _qemu.ReadAvailable();
        if (text.Length == 0) return false;
        _pending.Append(text);
        if (SerialProtocol.FindPanic(_pending.ToString()) >= 0) FailOnPanic();
        return true;
    }

    private void WaitOrFail(long deadline, TimeSpan timeout, string waitingFor)
    {
        if (_qemu.OutputEnded && !_qemu.WaitForOutput(TimeSpan.Zero))
        {
            _qemu.WaitForExit(TimeSpan.FromSeconds(5));
            throw new KernelRunException(
                "QEMU exited (status "
                + $"{_qemu.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"}) "
                + $"while waiting for {waitingFor}",
                _qemu.SerialLog, _qemu.ErrorLog);
        }
        long left = deadline - Environment.TickCount64;
        if (left <= 0)
        {
            _qemu.Kill();
            throw new KernelTimeoutException(waitingFor, timeout, _qemu.SerialLog, _qemu.ErrorLog);
        }
        _qemu.WaitForOutput(TimeSpan.FromMilliseconds(left));
    }

    private void FailOnPanic()
    {
        long graceEnd = Environment.TickCount64 + (long)SuiteRun.PanicGrace.TotalMilliseconds;
        for (long left; (left = graceEnd - Environment.TickCount64) > 0 && !_qemu.OutputEnded;)
        {
            if (_qemu.WaitForOutput(TimeSpan.FromMilliseconds(left))) _qemu.ReadAvailable();
        }
        _qemu.Kill();
        string log = _qemu.SerialLog;
        throw new KernelPanicException(log[Math.Max(0, SerialProtocol.FindPanic(log))..], log, _qemu.ErrorLog);
    }

    private void Write(string text)
    {
        try
        {
            _qemu.Write(text);
        }
        catch (IOException e)
        {
            _qemu.WaitForExit(TimeSpan.FromSeconds(5));
            throw new KernelRunException(
                $"could not send input to QEMU ({e.Message}); it has exited with status {_qemu.ExitCode}",
                _qemu.SerialLog, _qemu.ErrorLog);
        }
    }
}
