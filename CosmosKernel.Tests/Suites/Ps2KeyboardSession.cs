using System;
using System.IO;
using System.Net.Sockets;
using System.Text;
using MemOS.Tests.Kernel;
using NUnit.Framework;

namespace MemOS.Tests.Suites;

/// <summary>
/// The PS/2 keyboard, typed through QEMU's monitor (`sendkey`): letters, shift, caps lock, backspace, arrows and
/// Enter reach the line editor exactly as serial input does, and the command's output shows on COM1.
/// </summary>
[Category(KernelTestEnvironment.Category)]
[NonParallelizable]
public sealed class Ps2KeyboardSession
{
    private const string Left = "\u001b[1D";

    // Each key is sent only once QEMU's monitor has answered the command before it (its "(qemu) " prompt) and the
    // shell has echoed the key before it (on COM1): the guest has drained the controller, so nothing depends on
    // timing. A key that echoes nothing (caps lock) is followed by one that does.
    private static void TypeKeys(ShellSession shell, string monitorSocket, params (string Key, string? Echo)[] keys)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(monitorSocket));
        socket.ReceiveTimeout = 30_000;
        WaitForMonitorPrompt(socket);
        foreach ((string key, string? echo) in keys)
        {
            socket.Send(Encoding.ASCII.GetBytes($"sendkey {key}\n"));
            WaitForMonitorPrompt(socket);
            if (echo != null) shell.ReadUntil(echo, TimeSpan.FromSeconds(30));
        }
    }

    private static void WaitForMonitorPrompt(Socket socket)
    {
        var seen = new StringBuilder();
        var buffer = new byte[256];
        while (!seen.ToString().EndsWith("(qemu) ", StringComparison.Ordinal))
        {
            int n = socket.Receive(buffer); // throws on the 30 s timeout
            if (n == 0) throw new IOException("QEMU's monitor closed the connection: " + seen);
            seen.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }
    }

    [Test]
    public void Keys_typed_on_the_ps2_keyboard_run_a_command_with_shift_caps_lock_backspace_and_arrows()
    {
        KernelTestEnvironment.RequireQemu();
        string monitor =
            Path.Combine(Path.GetTempPath(), $"memos-monitor-{Environment.ProcessId}-{Guid.NewGuid():N}.sock");
        try
        {
            using var shell = ShellSession.Start(
                new BootOptions { ExtraQemuArguments = ["-monitor", $"unix:{monitor},server,nowait"] });
            // "echo HeLLo", with a typo erased by backspace and a letter inserted after moving left
            TypeKeys(shell, monitor, ("e", "e"), ("c", "c"), ("h", "h"), ("o", "o"), ("spc", " "), ("shift-h", "H"),
                ("e", "e"), ("caps_lock", null), ("l", "L"), ("l", "L"), ("caps_lock", null), ("x", "x"),
                ("backspace", Left), ("o", "o"), ("left", Left), ("left", Left), ("left", Left), ("left", Left),
                ("a", "aeLLo"), ("ret", null));
            string output = shell.ReadUntilPrompt(TimeSpan.FromSeconds(30)).Replace("\r", "");
            string last = output.TrimEnd('\n');
            last = last[(last.LastIndexOf('\n') + 1)..];
            Assert.That(last, Is.EqualTo("HaeLLo"), output);
        }
        finally
        {
            File.Delete(monitor);
        }
    }
}
