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

    public abstract void Execute(Shell shell, Arguments args);
}
