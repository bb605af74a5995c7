using System;
using System.IO;
using System.Net.Sockets;
using System.Text;
using System.Threading;

namespace MemOS.Tests.Kernel.Display;

/// <summary>
/// QEMU's human monitor on a Unix socket (<c>-monitor unix:PATH,server,nowait</c>): one command at a time, answered
/// when the next <c>(qemu) </c> prompt arrives. Used for <c>screendump</c>.
/// </summary>
public sealed class QemuMonitor : IDisposable
{
    private const string Prompt = "(qemu) ";
    private readonly Socket _socket;

    private QemuMonitor(Socket socket) => _socket = socket;

    /// <summary>A fresh socket path for QEMU's -monitor (in the temp folder, short enough for sun_path).</summary>
    public static string NewSocketPath() =>
        Path.Combine(Path.GetTempPath(), $"memos-mon-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40] + ".sock");

    /// <summary>QEMU arguments that put the monitor on the socket.</summary>
    public static string[] Arguments(string socketPath) => ["-monitor", $"unix:{socketPath},server,nowait"];

    /// <summary>Connects (QEMU creates the socket as it starts) and reads the greeting.</summary>
    public static QemuMonitor Connect(string socketPath, TimeSpan timeout)
    {
        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (true)
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                socket.Connect(new UnixDomainSocketEndPoint(socketPath));
                var monitor = new QemuMonitor(socket);
                monitor.ReadUntilPrompt(timeout);
                return monitor;
            }
            catch (SocketException) when (Environment.TickCount64 < deadline)
            {
                socket.Dispose();
                Thread.Sleep(100);
            }
        }
    }

    /// <summary>Runs a monitor command and returns what QEMU printed before the next prompt.</summary>
    public string Run(string command, TimeSpan timeout)
    {
        _socket.Send(Encoding.ASCII.GetBytes(command + "\n"));
        return ReadUntilPrompt(timeout);
    }

    /// <summary>Saves the display as PPM and reads it back.</summary>
    public PpmImage Screendump(string path, TimeSpan timeout)
    {
        if (File.Exists(path)) File.Delete(path);
        string answer = Run($"screendump {path}", timeout);
        if (!File.Exists(path)) throw new IOException($"screendump wrote no {path}: {answer}");
        return PpmImage.Read(path);
    }

    public void Dispose() => _socket.Dispose();

    private string ReadUntilPrompt(TimeSpan timeout)
    {
        var text = new StringBuilder();
        var buffer = new byte[4096];
        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (!text.ToString().EndsWith(Prompt, StringComparison.Ordinal))
        {
            long left = deadline - Environment.TickCount64;
            if (left <= 0) throw new TimeoutException($"QEMU's monitor did not answer: {text}");
            _socket.ReceiveTimeout = (int)left;
            int n = _socket.Receive(buffer);
            if (n == 0) throw new IOException($"QEMU's monitor closed: {text}");
            text.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }
        return text.ToString();
    }
}
