namespace MemOS.Kernel.Shell;

/// <summary>
/// A shell command: its name, aliases, usage (the one source of help text and argument checks), description,
/// and what it does. Execute never throws: bad arguments are reported through Arguments/Shell.UsageError.
/// </summary>
internal abstract class Command
{
    public abstract string Name { get; }
    public virtual string[] Aliases => [];
    /// <summary>e.g. "alloc SIZE [--user] [--align N]"</summary>
    public abstract string Usage { get; }
    public abstract string Description { get; }
    /// <summary>Longer help shown by `help NAME`, after the usage and description.</summary>
    public virtual string Details => "";

    /// <summary>Runs the command; its state between lines lives in shell.Session.</summary>
    public abstract void Execute(Shell shell, Arguments args);

    /// <summary>For a command that takes nothing: true (after the usage line) when something was given.</summary>
    protected bool RefuseArguments(Arguments args)
    {
        if (args.Count == 0) return false;
        Shell.UsageError(this, "takes no arguments");
        return true;
    }
}
