using System;
using MemOS.Memory.Boot;
using MemOS.Kernel.Boot;
using MemOS.Kernel.TextConsole;
using MemOS.Kernel.Shell.Commands;

namespace MemOS.Kernel;

/// <summary>
/// The kernel in the Cosmos lifecycle: BeforeRun() once after the machine is set up, then Run() in a loop.
/// Run() is one turn of the shell: prompt, read a line, execute it.
/// </summary>
internal sealed class Kernel(BootInfo boot)
{
    private Shell.Shell? _shell;
    private readonly LineEditor _editor = new();

    public BootInfo Boot => boot;
    public LineEditor Editor => _editor;

    public void BeforeRun()
    {
        var shell = new Shell.Shell(new Shell.ShellSession(MemoryManagement.KernelMemory.Current));
        shell.Register(new HelpCommand());
        shell.Register(new EchoCommand());
        shell.Register(new ClearCommand());
        shell.Register(new UptimeCommand());
        shell.Register(new CpuInfoCommand());
        shell.Register(new MemMapCommand(boot));
        // memory inspection
        shell.Register(new MeminfoCommand());
        shell.Register(new GcCommand());
        shell.Register(new PmmCommand());
        shell.Register(new HeapCommand());
        shell.Register(new ModeCommand());
        shell.Register(new VmmapCommand());
        shell.Register(new PagewalkCommand());
        shell.Register(new FaultsCommand());
        shell.Register(new SelftestCommand());
        shell.Register(new HaltCommand());
        shell.Register(new RebootCommand());
        // memory actions: heap, real accesses, manual mappings, narration, microbenchmarks
        shell.Register(new AllocCommand());
        shell.Register(new FreeCommand());
        shell.Register(new TouchCommand());
        shell.Register(new ReadCommand());
        shell.Register(new WriteCommand());
        shell.Register(new MapCommand());
        shell.Register(new UnmapCommand());
        shell.Register(new TraceCommand());
        shell.Register(new BenchCommand(boot));
        shell.Register(new ThrowCommand());
        // processes
        shell.Register(new LsCommand());
        shell.Register(new RunCommand());
        shell.Register(new PsCommand());
        shell.Register(new KillCommand());

        _shell = shell;
        System.Console.WriteLine("MemOS - memory management made visible. Type 'help' for the commands.");
        foreach (string problem in boot.Problems) System.Console.WriteLine($"boot: {problem}");
    }

    public void Run()
    {
        Terminal.Write(Shell.Shell.Prompt);
        string? line = _editor.ReadLine();
        if (line != null) _shell?.Execute(line);
        MemoryManagement.GarbageCollection.MaybeCollect();
    }
}
