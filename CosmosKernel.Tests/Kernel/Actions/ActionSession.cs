using System.Text.RegularExpressions;
using NUnit.Framework;

namespace MemOS.Tests.Kernel.Actions;

/// <summary>
/// What the action-command tests share: one booted shell per class, and reading addresses out of answers.
/// </summary>
public abstract class ActionSession
{
    protected ShellSession Shell { get; private set; } = null!;

    /// <summary>Extra QEMU arguments for this class's boot.</summary>
    protected virtual string[] QemuArguments => [];

    [OneTimeSetUp]
    public void Boot()
    {
        KernelTestEnvironment.RequireQemu();
        Shell = ShellSession.Start(new BootOptions { Memory = "128M", ExtraQemuArguments = QemuArguments });
    }

    [OneTimeTearDown]
    public void Stop() => Shell?.Dispose();

    protected string Run(string command) => Shell.Run(command);

    /// <summary>The shell still answers after whatever came before.</summary>
    protected void AssertAlive()
        => Assert.That(Run("echo still here"), Is.EqualTo("still here"), "the shell answers after the refusal");

    /// <summary>alloc SIZE [options] and the address it printed.</summary>
    protected ulong Alloc(string arguments)
    {
        string output = Run("alloc " + arguments);
        Match m = Regex.Match(output,
            @"^allocated \d+ B at 0x([0-9a-f]+) in the (kernel heap|user heap of pid \d+ \(heapd\)): "
            + @"\d+ new page\(s\) mapped, \d+ page fault\(s\)$", RegexOptions.Multiline);
        Assert.That(m.Success, Is.True, $"alloc {arguments} answered: {output}");
        return ulong.Parse(m.Groups[1].Value,
            System.Globalization.NumberStyles.HexNumber,
            System.Globalization.CultureInfo.InvariantCulture);
    }

    protected static string Hex(ulong value)
        => "0x" + value.ToString("x", System.Globalization.CultureInfo.InvariantCulture);
}
