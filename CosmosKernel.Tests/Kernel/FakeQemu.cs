using System;
using System.IO;
using NUnit.Framework;

namespace MemOS.Tests.Kernel;

/// <summary>
/// Test double for qemu-system-x86_64: a bash script standing in for QEMU, so the runner's process handling
/// (reading, writing, panic, timeout, exit status) is tested without an emulator. Its arguments are saved beside it.
/// </summary>
public static class FakeQemu
{
    /// <summary>
    /// Writes an executable bash script named <paramref name="name"/> with <paramref name="body"/>; returns its path.
    /// </summary>
    public static string Create(string name, string body)
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/bin/bash"))
            Assert.Ignore("the fake QEMU is a bash script: Linux only");
        string dir = Path.Combine(TestContext.CurrentContext.WorkDirectory, "fake-qemu");
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, name);
        File.WriteAllText(path,
            "#!/bin/bash\nprintf '%s\\n' \"$@\" > \"$0.args\"\n"
            + body.Replace("\r\n", "\n", StringComparison.Ordinal) + "\n");
        if (OperatingSystem.IsLinux())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    /// <summary>
    /// Boot options that run the fake (it also serves as the "kernel image", which only has to exist).
    /// </summary>
    public static BootOptions Options(string path, TimeSpan? timeout = null)
        => new() { QemuPath = path, KernelPath = path, Timeout = timeout };

    /// <summary>A shell that echoes what it reads, answers a few commands, and prints the prompt after each.</summary>
    public const string Shell = """
        printf 'MemOS (fake) booting\r\n'
        sleep 0.2
        printf 'memos> '
        line=''
        run() {
          case "$1" in
            '') ;;
            echo\ *) printf '%s\r\n' "${1#echo }" ;;
            lines) printf 'one\r\ntwo\r\nthree\r\n' ;;
            slow) sleep 0.5; printf 'done\r\n' ;;
            nonl) printf 'no newline' ;;
            panic) printf 'going down\r\n!!! PANIC: fake panic\r\n  rip 0x1234\r\n'; sleep 60 ;;
            hang) sleep 60 ;;
            quit) exit 0 ;;
            *) printf 'unknown command: %s\r\n' "$1" ;;
          esac
        }
        while IFS= read -r -N1 ch; do
          case "$ch" in
            $'\x03') printf '^C\r\n'; line=''; printf 'memos> ' ;;
            $'\r'|$'\n') printf '\r\n'; run "$line"; line=''; printf 'memos> ' ;;
            *) printf '%s' "$ch"; line+="$ch" ;;
          esac
        done
        """;
}
