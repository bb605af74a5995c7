using System;
using System.Collections.Generic;

namespace MemOS.Kernel.Shell;

/// <summary>
/// The MemOS shell: a registry of commands, looked up by name or alias (case-insensitive); one line in, its
/// output out. Unknown commands and bad arguments get one clear line; an exception a command throws is caught
/// here and reported as `error: TYPE: message`; nothing typed can stop the shell.
/// What commands leave for later ones lives in the session.
/// </summary>
internal sealed class Shell(ShellSession session)
{
    public const string Prompt = "memos> ";
    private readonly List<Command> _commands = new();
    private readonly Dictionary<string, Command> _byName = new(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyList<Command> Commands => _commands;
    public ShellSession Session => session;

    public void Register(Command command)
    {
        _commands.Add(command);
        _byName[command.Name] = command;
        foreach (string alias in command.Aliases) _byName[alias] = command;
    }

    public Command? Find(string name) => _byName.TryGetValue(name, out Command? c) ? c : null;

    public void Execute(string line)
    {
        Arguments words = Arguments.Parse(line);
        if (words.Count == 0) return;
        string name = words[0];
        Command? command = Find(name);
        if (command == null)
        {
            Console.WriteLine($"unknown command '{Printable(name)}': type 'help' for the list of commands");
            return;
        }
        Exception? failed = null;
        try
        {
            command.Execute(this, words.Rest());
        }
        catch (Exception e)
        {
            failed = e;
        }
        if (failed == null) return;
        // One command failed; the shell and the kernel's state stay. Out of memory: collect the command's garbage
        // (out here, where its dead frames are no longer on the stack) before formatting the report.
        if (failed is OutOfMemoryException) Core.MarkSweepCollector.RequestCollection();
        Console.WriteLine("error: " + Core.Exceptions.ExceptionText.Describe(failed));
    }

    /// <summary>The one-line answer to bad arguments: what was wrong, then the usage.</summary>
    public static void UsageError(Command command, string problem)
        => Console.WriteLine($"{command.Name}: {problem} (usage: {command.Usage})");

    /// <summary>Text safe to echo back: control characters shown as '?', long words cut.</summary>
    public static string Printable(string s)
    {
        var chars = new char[Math.Min(s.Length, 40)];
        for (int i = 0; i < chars.Length; i++) chars[i] = s[i] >= ' ' && s[i] < 0x7F ? s[i] : '?';
        return new string(chars) + (s.Length > 40 ? "..." : "");
    }
}
