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

    // Each key is sent only once the shell has echoed the one before (on COM1): the guest has drained the
    // controller, so nothing depends on timing. A key that echoes nothing (caps lock) is followed by one that does.
    private static void TypeKeys(ShellSession shell, string monitorSocket, params (string Key, string? Echo)[] keys)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(monitorSocket));
        foreach ((string key, string? echo) in keys)
        {
            socket.Send(Encoding.ASCII.GetBytes($"sendkey {key}\n"));
            if (echo != null) shell.ReadUntil(echo, TimeSpan.FromSeconds(30));
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
