using System;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading;

namespace MemOS.Tests.Kernel;

/// <summary>
/// A running QEMU whose COM1 is its stdin/stdout. A reader thread keeps the whole serial log; callers consume it
/// through one cursor, by complete lines (<see cref="ReadLine"/>) or by whatever has arrived, partial lines included
/// (<see cref="ReadAvailable"/>: the prompt has no newline). Dispose (or a timeout) kills the whole process tree.
/// </summary>
public sealed class QemuProcess : IDisposable
{
    /// <summary>The emulator the protocol uses (TCG: KVM does not work here).</summary>
    public const string ExecutableName = "qemu-system-x86_64";

    /// <summary>Environment variable that names a QEMU executable to use instead of the one on PATH.</summary>
    public const string QemuPathVariable = "MEMOS_QEMU";

    private readonly Process _process;
    private readonly Stopwatch _clock;
    private readonly object _gate = new();
    private readonly StringBuilder _serial = new();
    private readonly StringBuilder _errors = new();
    private readonly Thread _stdoutReader;
    private readonly Thread _stderrReader;
    private int _consumed;
    private bool _outputEnded;
    private bool _killed;
    private bool _disposed;

    private QemuProcess(QemuOptions options, Process process)
    {
        Options = options;
        _process = process;
        _clock = Stopwatch.StartNew();
        _stdoutReader = new Thread(ReadStdout) { IsBackground = true, Name = $"qemu {process.Id} COM1" };
        _stderrReader = new Thread(ReadStderr) { IsBackground = true, Name = $"qemu {process.Id} stderr" };
        _stdoutReader.Start();
        _stderrReader.Start();
    }

    /// <summary>The options QEMU was started with.</summary>
    public QemuOptions Options { get; }

    /// <summary>QEMU's process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>Time since QEMU was started.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Everything received on COM1 so far (consumed or not).</summary>
    public string SerialLog
    {
        get { lock (_gate) return _serial.ToString(); }
    }

    /// <summary>What QEMU printed on stderr so far.</summary>
    public string ErrorLog
    {
        get { lock (_gate) return _errors.ToString(); }
    }

    /// <summary>True once QEMU closed its stdout (it exited) and everything it wrote was received.</summary>
    public bool OutputEnded
    {
        get { lock (_gate) return _outputEnded; }
    }

    /// <summary>True once the QEMU process has exited (on its own or killed).</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>True if the runner killed QEMU (timeout, panic, dispose) rather than QEMU exiting on its own.</summary>
    public bool WasKilled
    {
        get { lock (_gate) return _killed; }
    }

    /// <summary>QEMU's exit status once it has exited; null while running or after a kill.</summary>
    public int? ExitCode => _process.HasExited && !WasKilled ? _process.ExitCode : null;

    /// <summary>
    /// Where QEMU is: $MEMOS_QEMU if set and present, else qemu-system-x86_64 on PATH; null if absent.
    /// </summary>
    public static string? FindQemu(string? explicitPath = null)
    {
        if (!string.IsNullOrEmpty(explicitPath))
            return File.Exists(explicitPath) ? Path.GetFullPath(explicitPath) : null;
        string? fromEnvironment = Environment.GetEnvironmentVariable(QemuPathVariable);
        if (!string.IsNullOrEmpty(fromEnvironment))
            return File.Exists(fromEnvironment) ? Path.GetFullPath(fromEnvironment) : null;
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "")
                     .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, ExecutableName);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>True when QEMU can be found (see <see cref="FindQemu"/>).</summary>
    public static bool IsInstalled => FindQemu() is not null;

    /// <summary>
    /// Starts QEMU. Throws <see cref="QemuNotInstalledException"/> if it is absent, FileNotFoundException if the image
    /// is.
    /// </summary>
    public static QemuProcess Start(QemuOptions options)
    {
        string qemu = FindQemu(options.QemuPath) ?? throw new QemuNotInstalledException();
        if (!File.Exists(options.ImagePath))
            throw new FileNotFoundException(
                $"MemOS image not found: {options.ImagePath} "
                + "(build it with `./memos build` or `dotnet build CosmosKernel`).",
                options.ImagePath);
        var info = new ProcessStartInfo(qemu)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
        };
        foreach (string arg in options.BuildArguments()) info.ArgumentList.Add(arg);
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {qemu}");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"could not start {qemu}: {e.Message}", e);
        }
        return new QemuProcess(options, process);
    }

    /// <summary>
    /// Waits until unread serial text is there, QEMU's output has ended, or <paramref name="timeout"/> passes.
    /// True when there is unread text.
    /// </summary>
    public bool WaitForOutput(TimeSpan timeout)
    {
        long deadline = Environment.TickCount64 + (long)Math.Max(0, timeout.TotalMilliseconds);
        lock (_gate)
        {
            while (_consumed == _serial.Length && !_outputEnded)
            {
                long left = deadline - Environment.TickCount64;
                if (left <= 0) return false;
                Monitor.Wait(_gate, (int)Math.Min(left, int.MaxValue));
            }
            return _consumed < _serial.Length;
        }
    }

    /// <summary>
    /// Returns (and consumes) all unread serial text, the unfinished last line included; "" if none. Never blocks.
    /// </summary>
    public string ReadAvailable()
    {
        lock (_gate)
        {
            string text = _serial.ToString(_consumed, _serial.Length - _consumed);
            _consumed = _serial.Length;
            return text;
        }
    }

    /// <summary>
    /// Returns (and consumes) the next complete line without its line break; at end of output the unfinished last
    /// line, then null. Throws TimeoutException if no complete line comes within <paramref name="timeout"/>.
    /// </summary>
    public string? ReadLine(TimeSpan timeout)
    {
        long deadline = Environment.TickCount64 + (long)Math.Max(0, timeout.TotalMilliseconds);
        lock (_gate)
        {
            while (true)
            {
                for (int i = _consumed; i < _serial.Length; i++)
                {
                    if (_serial[i] != '\n') continue;
                    string line = _serial.ToString(_consumed, i - _consumed).TrimEnd('\r');
                    _consumed = i + 1;
                    return line;
                }
                if (_outputEnded)
                {
                    if (_consumed == _serial.Length) return null;
                    string last = _serial.ToString(_consumed, _serial.Length - _consumed).TrimEnd('\r');
                    _consumed = _serial.Length;
                    return last;
                }
                long left = deadline - Environment.TickCount64;
                if (left <= 0)
                    throw new TimeoutException($"no complete line from QEMU within {timeout.TotalSeconds:0.#} s");
                Monitor.Wait(_gate, (int)Math.Min(left, int.MaxValue));
            }
        }
    }

    /// <summary>
    /// Sends text to COM1 (UTF-8, unchanged: "\r" is Enter, "\x03" Ctrl+C). Throws IOException if QEMU has gone.
    /// </summary>
    public void Write(string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        Stream stdin = _process.StandardInput.BaseStream;
        stdin.Write(bytes, 0, bytes.Length);
        stdin.Flush();
    }

    /// <summary>Waits for QEMU to exit and its output to be fully read; true if it did within the timeout.</summary>
    public bool WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout)) return false;
        _stdoutReader.Join(TimeSpan.FromSeconds(5));
        _stderrReader.Join(TimeSpan.FromSeconds(5));
        return true;
    }

    /// <summary>Kills QEMU (the whole process tree) if it is still running, and waits for it to be gone.</summary>
    public void Kill()
    {
        try
        {
            if (_process.HasExited) return;
            lock (_gate) _killed = true;
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }
        WaitForExit(TimeSpan.FromSeconds(10));
    }

    /// <summary>Kills QEMU if it still runs and releases the process.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Kill();
        _process.Dispose();
    }

    private void ReadStdout()
    {
        Decoder decoder = new UTF8Encoding(false).GetDecoder();
        byte[] bytes = new byte[4096];
        char[] chars = new char[4096 + 4];
        Stream stdout = _process.StandardOutput.BaseStream;
        try
        {
            while (true)
            {
                int n = stdout.Read(bytes, 0, bytes.Length);
                int count = decoder.GetChars(bytes, 0, n, chars, 0, flush: n == 0);
                lock (_gate)
                {
                    _serial.Append(chars, 0, count);
                    if (n == 0) _outputEnded = true;
                    Monitor.PulseAll(_gate);
                }
                if (n == 0) return;
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            lock (_gate)
            {
                _outputEnded = true;
                Monitor.PulseAll(_gate);
            }
        }
    }

    private void ReadStderr()
    {
        try
        {
            TextReader stderr = _process.StandardError;
            char[] buffer = new char[1024];
            int n;
            while ((n = stderr.Read(buffer, 0, buffer.Length)) > 0)
            {
                lock (_gate) _errors.Append(buffer, 0, n);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // QEMU went away.
        }
    }
}
