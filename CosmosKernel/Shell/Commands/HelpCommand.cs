using System;

namespace MemOS.Kernel.Shell.Commands;

/// <summary>help: every command with its description, or one command's usage and details.</summary>
internal sealed class HelpCommand : Command
{
    public override string Name => "help";
    public override string[] Aliases => ["?"];
    public override string Usage => "help [COMMAND]";
    public override string Description => "list the commands, or show how to use one";

    public override void Execute(Shell shell, Arguments args)
    {
        if (args.Count > 1) { Shell.UsageError(this, "too many arguments"); return; }
        if (args.Count == 1)
        {
            Command? command = shell.Find(args[0]);
            if (command == null)
            {
                Console.WriteLine($"help: no command '{Shell.Printable(args[0])}': type 'help' for the list");
                return;
            }
            Print($"usage: {command.Usage}", 7);
            Print($"  {command.Description}", 0);
            if (command.Aliases.Length > 0) Print($"  aliases: {string.Join(", ", command.Aliases)}", 2);
            if (command.Details.Length > 0) Print(command.Details, 2);
            return;
        }
        Console.WriteLine("commands (help COMMAND for details):");
        foreach (Command command in shell.Commands)
            Print($"  {Format.Pad(command.Name, 10)} {command.Description}", 11);
    }

    // Lines end one column short of the screen's width: a full line would wrap the cursor and leave a blank line.
    private static void Print(string text, int hangingIndent)
    {
        Console.WriteLine(TextWrap.Wrap(text, TextConsole.Terminal.Columns - 1, hangingIndent));
    }
}
