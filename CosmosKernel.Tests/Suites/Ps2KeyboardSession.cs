using System;
using System.IO;
using System.Net.Sockets;
using System.Text;
using System.Threading;
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
    private static void SendKeys(string monitorSocket, params string[] keys)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(monitorSocket));
        foreach (string key in keys)
        {
            socket.Send(Encoding.ASCII.GetBytes($"sendkey {key}\n"));
            Thread.Sleep(40); // let the guest poll each make/break pair
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
            SendKeys(monitor, "e", "c", "h", "o", "spc", "shift-h", "e", "caps_lock", "l", "l", "caps_lock", "x",
                "backspace", "o", "left", "left", "left", "left", "a", "ret");
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
