using System;
using MemOS.Core;

namespace MemOS.Plugs;

/// <summary>
/// System.Environment on MemOS. CoreLib's Unix versions ask the OS (gethostname for MachineName, which MemOS's
/// PAL does not have: the kernel would not even link), and FailFast's message would be lost on the way to
/// RhpFallbackFailFast; here the machine has a name and FailFast shows its message on the panic screen.
/// </summary>
[Plug(Target = typeof(Environment))]
public static class EnvironmentPlug
{
    public const string Name = "memos";

    [PlugMethod(TargetName = "get_MachineName")]
    public static string MachineName() => Name;

    public static void FailFast(string? message)
        => RuntimeFatal.Stop("Environment.FailFast", message ?? "(no message)");

    public static void FailFast(string? message, Exception? exception)
        => RuntimeFatal.Stop("Environment.FailFast", message ?? "(no message)");
}
